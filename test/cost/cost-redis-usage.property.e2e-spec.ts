import fc from 'fast-check';
import type { RealtimeResponseUsage } from 'openai/resources/realtime/realtime';
import type { SessionCost } from '../../src/common/session-ports';
import { RedisServer } from '../support/redis-server';
import { identity, sessionsStatus, startCostApp, usageCosting, type CostApp } from './cost-app';

// Whatever usage values OpenAI (or something pretending to be it) reports — absurd, negative,
// fractional, not numbers, huge, nested wrongly — one report must never stop the charges after
// it from counting. fast-check throws usage objects at the real cost module of a real app on a
// real redis-server, each followed by an ordinary charge of known price, and checks the shared
// hourly spend grew by exactly that price plus at most the per-response bound, with nothing left
// queued and the breaker shut.

const RUNS = 150;
const SEED = 20_261_204;
const BOUND_MICRO = 6_144_000; // gpt-realtime-2: 128,000 × $32/1M + 32,000 × $64/1M
const ORDINARY_MICRO = 2_400; // usageCosting(0.0024): 100 text tokens out

const count = fc.oneof(
  fc.constantFrom(1e300, Number.MAX_VALUE, Number.MAX_SAFE_INTEGER, 2 ** 53 + 1, -1, -1e300, 0, 0.5, 1e-300, Infinity, -Infinity, NaN),
  fc.double(),
  fc.integer(),
  fc.nat({ max: 100_000 }),
  fc.string({ maxLength: 8 }),
  fc.constant(null),
  fc.anything({ maxDepth: 1 }),
);
const details = fc.record({ text_tokens: count, audio_tokens: count, image_tokens: count, cached_tokens: count, cached_tokens_details: fc.record({ text_tokens: count, audio_tokens: count }, { requiredKeys: [] }) }, { requiredKeys: [] });
const responseUsage = fc.oneof(
  fc.record({ total_tokens: count, input_tokens: count, output_tokens: count, input_token_details: details, output_token_details: fc.record({ text_tokens: count, audio_tokens: count }, { requiredKeys: [] }) }, { requiredKeys: [] }),
  fc.anything({ maxDepth: 2 }),
);
const transcriptionUsage = fc.oneof(
  fc.record({ type: fc.constantFrom('tokens', 'duration', undefined, 'x'), input_tokens: count, output_tokens: count, seconds: count, input_token_details: details }, { requiredKeys: [] }),
  fc.anything({ maxDepth: 2 }),
);

describe('usage values through the Redis ledger (fast-check, real redis-server)', () => {
  let redis: RedisServer;
  let app: CostApp;
  let run = 0;

  beforeAll(async () => {
    redis = await RedisServer.start();
    app = await startCostApp({
      REDIS_URL: redis.url,
      COST_PROTECTION_MAX_SESSION_COST_USD: '1000000',
      COST_PROTECTION_MAX_TOTAL_COST_PER_HOUR_USD: '1000000',
      COST_PROTECTION_CIRCUIT_BREAKER_THRESHOLD_USD: '2000000',
      COST_PROTECTION_SESSION_RESERVATION_USD: '0',
      RATE_LIMIT_STATUS: '1000000/minute',
      LOG_LEVEL: 'fatal',
    });
  }, 30_000);

  afterAll(async () => {
    await app?.close();
    await redis?.stop();
  });

  const hourlyMicro = async () => Math.round((await sessionsStatus(app.url)).sessions.hourlySpendUsd! * 1_000_000);

  async function expectLaterChargesCount(record: (sessionId: string) => Promise<unknown>): Promise<void> {
    const sessionId = `s${++run}`;
    await app.cost.admit(sessionId, identity(run % 250));
    const before = await hourlyMicro();
    await record(sessionId);
    const afterOdd = await hourlyMicro();
    expect(afterOdd - before).toBeGreaterThanOrEqual(0);
    expect(afterOdd - before).toBeLessThanOrEqual(BOUND_MICRO);
    await app.cost.recordResponseUsage(sessionId, 'gpt-realtime-2', `ordinary_${run}`, usageCosting(ORDINARY_MICRO / 1_000_000));
    expect((await hourlyMicro()) - afterOdd).toBe(ORDINARY_MICRO);
    const { sessions } = await sessionsStatus(app.url);
    expect(sessions).not.toHaveProperty('ledgerQueue');
    expect(sessions).toMatchObject({ accepting: true, breakerOpen: false });
    await app.cost.release(sessionId);
  }

  // The values are arbitrary on purpose: usage arrives from the network, whatever the SDK's types say.
  it('no response.done usage stops later charges from counting', async () => {
    await fc.assert(
      fc.asyncProperty(responseUsage, (usage) => expectLaterChargesCount((id) => app.cost.recordResponseUsage(id, 'gpt-realtime-2', `odd_${run}`, usage as RealtimeResponseUsage))),
      { numRuns: RUNS, seed: SEED },
    );
  }, 120_000);

  it('no transcription usage stops later charges from counting', async () => {
    await fc.assert(
      fc.asyncProperty(transcriptionUsage, (usage) => expectLaterChargesCount((id) => app.cost.recordTranscriptionUsage(id, 'gpt-4o-mini-transcribe', `item_${run}:0`, usage as Parameters<SessionCost['recordTranscriptionUsage']>[3]))),
      { numRuns: RUNS, seed: SEED + 1 },
    );
  }, 120_000);

  it('no backend (web search) usage stops later charges from counting', async () => {
    const backend = fc.record({ model: fc.constantFrom('gpt-5.4-mini', 'gpt-5.5', 'no-such-model'), inputTokens: count, cachedInputTokens: count, outputTokens: count, webSearchCalls: count });
    await fc.assert(
      fc.asyncProperty(backend, (usage) => expectLaterChargesCount((id) => app.cost.recordBackendUsage(id, { id: `web_${run}`, ...(usage as object) } as never))),
      { numRuns: RUNS, seed: SEED + 2 },
    );
  }, 120_000);
});
