import { SystemClock, type Clock } from '../../src/common/clock';
import { buildCostSettings } from '../../src/cost/cost-settings';
import type { CostService } from '../../src/cost/cost.service';
import { wireCostModule } from '../../test/support/kit';
import { MemoryStore } from '../../src/storage/memory.store';
import { RedisStore } from '../../src/storage/redis.store';
import type { StateStore } from '../../src/storage/state-store';
import { RedisServer } from '../../test/support/redis-server';
import { BenchRow, micros, timeAsync } from '../measure';

// A realistic response.done usage (OpenAI's realtime-costs guide example).
const USAGE = {
  total_tokens: 253,
  input_tokens: 132,
  output_tokens: 121,
  input_token_details: { text_tokens: 119, audio_tokens: 13, image_tokens: 0, cached_tokens: 64, cached_tokens_details: { text_tokens: 64 } },
  output_token_details: { text_tokens: 30, audio_tokens: 91 },
};
const SESSIONS = 200;

/** The cost module wired by hand around one store, with the contract's default limits. */
function costService(store: StateStore, clock: Clock): CostService {
  const settings = buildCostSettings(
    {
      enabled: true,
      maxSessionCostUsd: 5,
      maxSessionDurationMs: 30 * 60_000,
      maxHourlyCostUsd: 1_000_000, // never the limit here: the figure is the metering path
      breakerThresholdUsd: 2_000_000,
      breakerResetMs: 30 * 60_000,
      spendWindowMs: 60 * 60_000,
      sessionReservationUsd: 0.5,
      maxUserCostPerHourUsd: undefined,
      minUsdPerMinute: undefined, // the default time floor, as in production
      priceOverrides: {},
    },
    { model: 'gpt-realtime-2', maxOutputTokens: 1024, voice: 'marin', transcriptionModel: 'gpt-4o-mini-transcribe', idleTimeoutMs: 30_000, heartbeatIntervalMs: 20_000 },
  );
  return wireCostModule(store, settings, clock).service;
}

/** One `response.done` as the realtime gateway reports it: price, de-duplicate, charge the ledger, decide. */
async function measure(store: StateStore, clock: Clock, iterations: number, warmup: number) {
  const service = costService(store, clock);
  for (let i = 0; i < SESSIONS; i++) {
    const decision = await service.admit(`bench-${i}`, { ip: '127.0.0.1', clientKey: '127.0.0.1' });
    if (!decision.admitted) throw new Error(`bench session refused: ${decision.code}`);
    service.started(`bench-${i}`);
  }
  const stats = await timeAsync((i) => service.recordResponseUsage(`bench-${i % SESSIONS}`, 'gpt-realtime-2', `resp_${i}`, USAGE), iterations, warmup);
  for (let i = 0; i < SESSIONS; i++) await service.release(`bench-${i}`);
  return stats;
}

/** Metering + ledger update per response.done, in memory and on Redis over loopback. */
export async function costSection(): Promise<BenchRow[]> {
  const clock = new SystemClock();
  const memory = new MemoryStore(clock);
  const memoryStats = await measure(memory, clock, 100_000, 10_000);
  memory.stop();

  const server = await RedisServer.start();
  const redis = new RedisStore(server.url, { commandTimeoutMs: 1_000 });
  await redis.waitUntilReady(5_000);
  const redisStats = await measure(redis, clock, 10_000, 1_000);
  await redis.close();
  await server.stop();

  return [
    {
      name: 'cost: meter + ledger per response.done, memory p50 / p99',
      value: `${micros(memoryStats.p50)} / ${micros(memoryStats.p99)}`,
      target: 'p99 < 50 µs',
      pass: memoryStats.p99 < 50,
      key: 'cost.memory.p99',
      raw: memoryStats.p99,
    },
    {
      name: 'cost: meter + ledger per response.done, Redis p50 / p99 (loopback)',
      value: `${micros(redisStats.p50)} / ${micros(redisStats.p99)}`,
      target: 'p99 < 1 ms (guide: p50 < 0.5 ms)',
      pass: redisStats.p99 < 1_000 && redisStats.p50 < 500,
    },
  ];
}
