import { RedisServer } from '../support/redis-server';
import { SpawnedApp, spawnApp } from '../support/spawned-app';
import { waitFor } from '../support/ports';
import { get, Reply } from './http-get';

// Needs `npm run build` first (npm test does it): the two instances are real `node dist/main.js`.
describe('Two instances sharing one Redis', () => {
  let redis: RedisServer;
  let instances: SpawnedApp[];

  beforeAll(async () => {
    redis = await RedisServer.start();
    const env = { REDIS_URL: redis.url, RATE_LIMIT_STATUS: '100/minute', LOG_LEVEL: 'warn' };
    instances = await Promise.all([spawnApp(env), spawnApp(env)]);
    // Both must count on Redis before the race: a first command that timed out while the
    // connection warmed up would leave an instance in its (fail-open) memory fallback for a second.
    for (const instance of instances) {
      await waitFor(async () => {
        const reply = await get(`${instance.url}/status`, { localAddress: '127.0.0.19' });
        return (JSON.parse(reply.body) as { status: string }).status === 'ok';
      }, 10_000);
    }
  });
  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    await redis.stop();
  });

  it('admit exactly the limit of 2 × 250 concurrent requests from one client, round after round', async () => {
    for (let round = 0; round < 4; round++) {
      // A fresh source address per round is a fresh bucket, so rounds need no waiting.
      const localAddress = `127.0.0.${20 + round}`;
      const perInstance: Reply[][] = await Promise.all(
        instances.map((instance) => Promise.all(Array.from({ length: 250 }, () => get(`${instance.url}/status`, { localAddress })))),
      );
      const replies = perInstance.flat();
      const admittedPerInstance = perInstance.map((list) => list.filter((reply) => reply.status === 200).length);
      const refused = replies.filter((reply) => reply.status === 429);
      expect({ round, admitted: admittedPerInstance[0] + admittedPerInstance[1], refused: refused.length }).toEqual({
        round,
        admitted: 100,
        refused: 400,
      });
      for (const reply of refused) {
        expect(Number(reply.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(reply.headers.ratelimit).toMatch(/;r=0;/);
      }
      console.log(`round ${round}: admitted ${admittedPerInstance.join(' + ')}`);
    }
  });
});
