import { CONNECT_LIMITER, ConnectLimiter } from '../../src/common/session-ports';
import { RedisServer } from '../support/redis-server';
import { sleep, waitFor } from '../support/ports';
import { startTestApp, TestApp } from '../support/test-app';
import { metricValue } from './exceeded-metric';
import { get, Reply } from './http-get';

interface RateLimitStatus {
  status: string;
  reasons?: string[];
  rateLimit: { enabled: boolean; counting: string };
}

/** Steady /status traffic from one client until stopped; every reply (or error) is kept. */
function startTraffic(url: string, concurrency = 4) {
  const replies: Reply[] = [];
  const errors: Error[] = [];
  let running = true;
  const workers = Array.from({ length: concurrency }, async () => {
    while (running) {
      try {
        replies.push(await get(`${url}/status`));
      } catch (error) {
        errors.push(error as Error);
      }
      await sleep(5);
    }
  });
  return {
    replies,
    errors,
    stop: async () => {
      running = false;
      await Promise.all(workers);
    },
  };
}

describe('Rate limiting while Redis fails', () => {
  let redis: RedisServer;
  let app: TestApp;

  const status = async () => JSON.parse((await get(`${app.url}/status`, { localAddress: '127.0.0.9' })).body) as RateLimitStatus;
  /** The counter Redis holds for a key (0 when absent), read with a raw command. */
  const redisCount = async (key: string) => Number(/^\$\d+\r\n(\d+)/.exec(await redis.command(`GET ducke:${key}`))?.[1] ?? 0);

  beforeAll(async () => {
    redis = await RedisServer.start();
    app = await startTestApp({ REDIS_URL: redis.url, RATE_LIMIT_STATUS: '100000/minute', RATE_LIMIT_WEBSOCKET: '3/minute' });
  });
  afterAll(async () => {
    await app.close();
    await redis.stop();
  });

  it.each([
    ['killed (SIGKILL)', '198.51.100.50', () => redis.kill(), () => redis.launch()],
    ['frozen (SIGSTOP)', '198.51.100.51', async () => redis.freeze(), async () => redis.resume()],
  ])('Redis %s in the middle of traffic: no request waits, limits hold per instance, Redis counting resumes', async (name, ip, fail, recover) => {
    const connects = app.app.get<ConnectLimiter>(CONNECT_LIMITER);
    const errorsBefore = await metricValue('ducke_rate_limit_store_errors_total');
    const traffic = startTraffic(app.url);
    try {
      await sleep(300);
      expect((await status()).rateLimit.counting).toBe('redis');
      await fail();

      // Counting moves to this instance's memory; /status says so and stays 200.
      const degraded = await waitFor(async () => {
        const body = await status();
        return body.rateLimit.counting === 'memory-fallback' ? body : undefined;
      }, 3_000);
      expect(degraded.status).toBe('degraded');
      expect(degraded.reasons?.join(' ')).toMatch(/rate limiting/);
      expect(await metricValue('ducke_rate_limit_fallback_active')).toBe(1);
      expect(await metricValue('ducke_rate_limit_store_errors_total')).toBeGreaterThan(errorsBefore);

      // Fail open, not unlimited: the in-memory limiter still holds this instance to the limit.
      const outage = { ip, clientKey: ip };
      const decisions = [];
      for (let i = 0; i < 4; i++) decisions.push((await connects.admitConnection(outage)).admitted);
      expect(decisions).toEqual([true, true, true, false]);

      await sleep(500);
      await recover();
      await waitFor(async () => (await status()).rateLimit.counting === 'redis', 5_000);
      expect(await metricValue('ducke_rate_limit_fallback_active')).toBe(0);
      await sleep(300);
    } finally {
      await traffic.stop();
    }

    // Limiting is back on Redis: requests move the shared counter again.
    const before = await redisCount('rl:status:127.0.0.1');
    for (let i = 0; i < 3; i++) expect((await get(`${app.url}/status`)).status).toBe(200);
    expect(await redisCount('rl:status:127.0.0.1')).toBe(before + 3);

    expect(traffic.errors).toEqual([]);
    expect(traffic.replies.length).toBeGreaterThan(50);
    expect(traffic.replies.every((reply) => reply.status === 200)).toBe(true);
    const slowest = Math.max(...traffic.replies.map((reply) => reply.ms));
    console.log(`Redis ${name}: ${traffic.replies.length} requests, slowest ${slowest} ms`);
    expect(slowest).toBeLessThan(2_500); // 20-500 ms when idle; a hang would be the 30 s default
  });
});
