import { SystemClock } from '../../src/common/clock';
import { MemoryStore } from '../../src/storage/memory.store';
import { RedisStore } from '../../src/storage/redis.store';
import { RedisServer } from '../../test/support/redis-server';
import { BenchRow, micros, timeAsync } from '../measure';

/** Counter increment latency in each store (the primitive under every rate limit). */
export async function storageSection(): Promise<BenchRow[]> {
  const memory = new MemoryStore(new SystemClock());
  const memoryStats = await timeAsync((i) => memory.increment(`bench:${i % 1_000}`, 60_000), 200_000, 10_000);
  memory.stop();

  const server = await RedisServer.start();
  const redis = new RedisStore(server.url, { commandTimeoutMs: 1_000 });
  await redis.waitUntilReady(5_000);
  const redisStats = await timeAsync((i) => redis.increment(`bench:${i % 1_000}`, 60_000), 20_000, 2_000);
  await redis.close();
  await server.stop();

  return [
    {
      name: 'MemoryStore increment p50 / p99',
      value: `${micros(memoryStats.p50)} / ${micros(memoryStats.p99)}`,
      target: 'p99 < 20 µs',
      pass: memoryStats.p99 < 20,
    },
    {
      name: 'RedisStore increment p50 / p99 (loopback)',
      value: `${micros(redisStats.p50)} / ${micros(redisStats.p99)}`,
      target: 'p99 < 1 ms',
      pass: redisStats.p99 < 1_000,
    },
  ];
}
