import { CONNECT_LIMITER, ConnectLimiter, TOOL_LIMITER, ToolLimiter } from '../../src/common/session-ports';
import { RedisServer } from '../support/redis-server';
import { startTestApp, TestApp } from '../support/test-app';
import { exceededCount } from './exceeded-metric';

const LIMITS = { RATE_LIMIT_WEBSOCKET: '3/minute', RATE_LIMIT_WEATHER_API: '4/hour', RATE_LIMIT_WEB_SEARCH: '2/hour' };
const client = (ip: string, userKey?: string) => ({ ip, clientKey: ip, userKey });

/** The ports as RealtimeModule and ToolsModule get them: by token, from the real app's DI. */
const portsOf = (app: TestApp) => ({
  connects: app.app.get<ConnectLimiter>(CONNECT_LIMITER),
  tools: app.app.get<ToolLimiter>(TOOL_LIMITER),
});

describe.each([
  ['in memory', false],
  ['on Redis', true],
])('Session limits through the app’s DI, %s', (_name, useRedis) => {
  let redis: RedisServer | undefined;
  let app: TestApp;

  beforeAll(async () => {
    redis = useRedis ? await RedisServer.start() : undefined;
    app = await startTestApp({ REDIS_URL: redis?.url, ...LIMITS });
  });
  afterAll(async () => {
    await app.close();
    await redis?.stop();
  });

  it('CONNECT_LIMITER admits RATE_LIMIT_WEBSOCKET connections per client, then refuses rate_limited with retryAfterSec', async () => {
    const { connects } = portsOf(app);
    const exceededBefore = await exceededCount('websocket');
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await connects.admitConnection(client('198.51.100.1')));
    expect(decisions.slice(0, 3)).toEqual(Array(3).fill({ admitted: true }));
    expect(decisions[3]).toEqual({ admitted: false, code: 'rate_limited', message: expect.any(String), retryAfterSec: expect.any(Number) });
    const { retryAfterSec } = decisions[3] as { retryAfterSec: number };
    expect(retryAfterSec).toBeGreaterThanOrEqual(1);
    expect(retryAfterSec).toBeLessThanOrEqual(60);
    expect(await exceededCount('websocket')).toBe(exceededBefore + 1);

    expect(await connects.admitConnection(client('198.51.100.2'))).toEqual({ admitted: true });
  });

  it('CONNECT_LIMITER counts a signed-in user across addresses as well', async () => {
    const { connects } = portsOf(app);
    for (let i = 0; i < 3; i++) expect(await connects.admitConnection(client(`203.0.113.${i}`, 'sub-42'))).toEqual({ admitted: true });
    expect(await connects.admitConnection(client('203.0.113.77', 'sub-42'))).toMatchObject({ admitted: false, code: 'rate_limited' });
    expect(await connects.admitConnection(client('203.0.113.78', 'sub-43'))).toEqual({ admitted: true });
  });

  it('TOOL_LIMITER holds weather and web_search to their own hourly limits', async () => {
    const { tools } = portsOf(app);
    const alice = client('198.51.100.3');
    for (let i = 0; i < 4; i++) expect(await tools.consume('weather', alice)).toEqual({ allowed: true });
    const weather = await tools.consume('weather', alice);
    expect(weather).toEqual({ allowed: false, retryAfterSec: expect.any(Number) });
    expect(weather.allowed === false && weather.retryAfterSec).toBeGreaterThan(3_500);

    for (let i = 0; i < 2; i++) expect(await tools.consume('web_search', alice)).toEqual({ allowed: true });
    expect(await tools.consume('web_search', alice)).toMatchObject({ allowed: false });
    expect(await tools.consume('web_search', client('198.51.100.4'))).toEqual({ allowed: true });
  });
});

describe('Session limits shared by two instances on one Redis', () => {
  let redis: RedisServer;
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    redis = await RedisServer.start();
    first = await startTestApp({ REDIS_URL: redis.url, ...LIMITS });
    second = await startTestApp({ REDIS_URL: redis.url, ...LIMITS });
  });
  afterAll(async () => {
    await first.close();
    await second.close();
    await redis.stop();
  });

  it('counts connections and tool calls made on either instance against one budget', async () => {
    const alice = client('198.51.100.9');
    expect(await portsOf(first).connects.admitConnection(alice)).toEqual({ admitted: true });
    expect(await portsOf(second).connects.admitConnection(alice)).toEqual({ admitted: true });
    expect(await portsOf(first).connects.admitConnection(alice)).toEqual({ admitted: true });
    expect(await portsOf(second).connects.admitConnection(alice)).toMatchObject({ admitted: false, code: 'rate_limited' });

    expect(await portsOf(first).tools.consume('web_search', alice)).toEqual({ allowed: true });
    expect(await portsOf(second).tools.consume('web_search', alice)).toEqual({ allowed: true });
    expect(await portsOf(first).tools.consume('web_search', alice)).toMatchObject({ allowed: false });
  });
});

describe('RATE_LIMIT_ENABLED=false', () => {
  let app: TestApp;
  beforeAll(async () => (app = await startTestApp({ REDIS_URL: undefined, RATE_LIMIT_ENABLED: 'false', ...LIMITS })));
  afterAll(() => app.close());

  it('turns the connect and tool limits off too', async () => {
    const { connects, tools } = portsOf(app);
    for (let i = 0; i < 20; i++) {
      expect(await connects.admitConnection(client('198.51.100.1'))).toEqual({ admitted: true });
      expect(await tools.consume('web_search', client('198.51.100.1'))).toEqual({ allowed: true });
    }
  });
});
