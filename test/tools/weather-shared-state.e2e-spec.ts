// Shared state of the weather tools: the cache and the per-client limit live in the StateStore,
// so with REDIS_URL two instances answer a repeated question with one upstream look-up and count
// one limit. Real redis-server, two real apps, one fake Open-Meteo.
import type { ToolCatalog } from '../../src/common/session-ports';
import { FakeOpenMeteo } from '../fakes/weather/fake-open-meteo.server';
import { waitFor } from '../support/ports';
import { RedisServer } from '../support/redis-server';
import { startTestApp, TestApp } from '../support/test-app';
import { toolContext } from './tool-kit';
import { call, catalogOf } from './tools-e2e-kit';

describe('weather cache and limits across two instances on one Redis', () => {
  let redis: RedisServer;
  let fake: FakeOpenMeteo;
  let first: TestApp;
  let second: TestApp;
  let a: ToolCatalog;
  let b: ToolCatalog;

  beforeAll(async () => {
    redis = await RedisServer.start();
    fake = await FakeOpenMeteo.start();
    const env = { ...fake.env, WEATHER_API_KEY: undefined, REDIS_URL: redis.url, RATE_LIMIT_WEATHER_API: '3/hour' };
    first = await startTestApp(env);
    second = await startTestApp(env);
    a = catalogOf(first);
    b = catalogOf(second);
  });
  afterAll(async () => {
    await first.close();
    await second.close();
    await fake.stop();
    await redis.stop();
  });
  beforeEach(() => fake.clear());

  it('a question answered on one instance costs no upstream request on the other', async () => {
    const onA = await call(a, 'get_weather_forecast', { location: 'Paris, France', days: 2 }, toolContext('198.51.100.10'));
    const onB = await call(b, 'get_weather_forecast', { location: 'paris, france', days: 2 }, toolContext('198.51.100.11'));
    expect(onA.outcome).toBe('ok');
    expect(onB.body).toEqual(onA.body);
    expect(fake.requestsTo('/v1/search')).toHaveLength(1);
    expect(fake.requestsTo('/v1/forecast')).toHaveLength(1);
  });

  it('the weather limit is one count across instances: the 4th call is refused in words, with no request', async () => {
    const caller = () => toolContext('198.51.100.20');
    expect((await call(a, 'get_current_weather', { location: 'Tokyo' }, caller())).outcome).toBe('ok');
    expect((await call(b, 'get_current_weather', { location: 'London' }, caller())).outcome).toBe('ok');
    expect((await call(a, 'get_current_weather', { location: 'Yangon' }, caller())).outcome).toBe('ok');
    const requestsBefore = fake.requests.length;
    const refused = await call(b, 'get_current_weather', { location: 'Monrovia' }, caller());
    expect(refused).toMatchObject({ ok: false, outcome: 'rate_limited' });
    expect(refused.body).toEqual({
      error: 'rate_limited',
      message: expect.stringMatching(/^I've hit my weather limit, try again in (\d+ minutes|1 hour)\.$/),
      retryAfterSec: expect.any(Number),
    });
    expect(refused.body.retryAfterSec as number).toBeGreaterThan(3_000);
    expect(fake.requests.length).toBe(requestsBefore);
    // Another client is not affected.
    expect((await call(b, 'get_current_weather', { location: 'Monrovia' }, toolContext('198.51.100.21'))).outcome).toBe('ok');
  });

  it('with Redis gone the weather still answers: limits fall back to memory, the cache is best effort', async () => {
    await redis.kill();
    try {
      const result = await call(a, 'get_current_weather', { location: 'San Juan' }, toolContext('198.51.100.30'));
      expect(result.outcome).toBe('ok');
      expect(fake.requestsTo('/v1/search')).toHaveLength(1);
    } finally {
      await redis.launch();
      // Let both instances reconnect before the apps close.
      const healthy = async (app: TestApp) => ((await (await fetch(`${app.url}/status`)).json()) as { storage: { ok: boolean } }).storage.ok;
      await waitFor(async () => (await healthy(first)) && (await healthy(second)), 10_000, 100);
    }
  });
});
