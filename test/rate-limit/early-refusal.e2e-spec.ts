import Redis from 'ioredis';
import { request } from 'node:http';
import { waitFor } from '../support/ports';
import { RedisServer } from '../support/redis-server';
import { spawnApp, SpawnedApp } from '../support/spawned-app';
import { startTestApp, TestApp } from '../support/test-app';
import { exceededCount } from './exceeded-metric';

// A refused GET of /status or / is answered at the Node http layer, before Express (the early
// refusals); any other spelling Express routes to the same handler (/status/, /STATUS) is still
// refused by the guard through Express (the framework path). Both must send the very same
// answer, count once against the one limiter (memory or Redis), and log and meter alike.

interface RawReply {
  status: number;
  /** [name, value] in the order they were sent, names as sent. */
  headers: Array<[string, string]>;
  body: string;
}

interface RawGet {
  method?: 'GET' | 'HEAD';
  localAddress?: string;
  headers?: Record<string, string>;
}

function rawGet(url: string, options: RawGet = {}): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', localAddress: options.localAddress, headers: options.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        const headers: Array<[string, string]> = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) headers.push([res.rawHeaders[i], res.rawHeaders[i + 1]]);
        resolve({ status: res.statusCode ?? 0, headers, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const header = (reply: RawReply, name: string) => reply.headers.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];

/** Everything but Date, which only says when it was sent. */
const comparable = (reply: RawReply) => ({ status: reply.status, headers: reply.headers.filter(([name]) => name !== 'Date'), body: reply.body });

/**
 * Two refusals whose only differences may be the path that answered: fetched back to back until
 * both fall in the same second of the window (Retry-After, the RateLimit t= and so the body and
 * its ETag follow the second), so the comparison can be exact.
 */
async function refusalPair(first: () => Promise<RawReply>, second: () => Promise<RawReply>): Promise<[RawReply, RawReply]> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const a = await first();
    const b = await second();
    if (header(a, 'Retry-After') === header(b, 'Retry-After')) return [a, b];
  }
  throw new Error('no two refusals within the same second in 5 attempts');
}

/** The request headers a browser on a listed origin would send, with a fixed request id. */
const BROWSER = { Origin: 'https://listed.example', 'X-Request-Id': 'compare-1', Host: 'duck.example:8000' };

describe('early refusals send exactly what the framework path sends', () => {
  describe('/status and its aliases, in one app (memory)', () => {
    let app: SpawnedApp;
    beforeAll(async () => {
      app = await spawnApp({ RATE_LIMIT_STATUS: '2/minute', ALLOWED_ORIGINS: 'https://listed.example' });
    });
    afterAll(() => app.stop());

    it('answers a refused /status and a refused /status/ header by header, byte for byte alike, GET and HEAD', async () => {
      const client = { localAddress: '127.0.0.2', headers: BROWSER };
      // One count each, whichever path counted it: the second is the last one admitted.
      const first = await rawGet(`${app.url}/status`, client);
      const second = await rawGet(`${app.url}/status/`, client);
      expect([first.status, second.status]).toEqual([200, 200]);
      expect([header(first, 'RateLimit'), header(second, 'RateLimit')]).toEqual([expect.stringMatching(/;r=1;/), expect.stringMatching(/;r=0;/)]);

      const [early, framework] = await refusalPair(
        () => rawGet(`${app.url}/status`, client),
        () => rawGet(`${app.url}/STATUS/`, client),
      );
      expect(early.status).toBe(429);
      expect(comparable(early)).toEqual(comparable(framework));
      // The answer is the contract's, not merely the same twice.
      expect(early.headers.map(([name]) => name)).toEqual(expect.arrayContaining(['X-Request-Id', 'Content-Security-Policy', 'Permissions-Policy', 'Access-Control-Allow-Origin', 'Vary', 'RateLimit-Policy', 'RateLimit', 'Retry-After', 'ETag']));
      expect(header(early, 'X-Request-Id')).toBe('compare-1');
      expect(header(early, 'Content-Security-Policy')).toContain('ws://duck.example:8000');
      expect(JSON.parse(early.body)).toEqual({ statusCode: 429, message: expect.stringContaining('Try again'), retryAfterSec: Number(header(early, 'Retry-After')) });

      const [earlyHead, frameworkHead] = await refusalPair(
        () => rawGet(`${app.url}/status?probe=1`, { ...client, method: 'HEAD' }),
        () => rawGet(`${app.url}/status/?probe=1`, { ...client, method: 'HEAD' }),
      );
      expect(earlyHead.status).toBe(429);
      expect(earlyHead.body).toBe('');
      expect(comparable(earlyHead)).toEqual(comparable(frameworkHead));
    });

    it('without an Origin or a Host header, both leave out CORS and name no host in the CSP', async () => {
      const client = { localAddress: '127.0.0.3', headers: { 'X-Request-Id': 'compare-2', Host: '' } };
      await rawGet(`${app.url}/status`, client);
      await rawGet(`${app.url}/status`, client);
      const [early, framework] = await refusalPair(
        () => rawGet(`${app.url}/status`, client),
        () => rawGet(`${app.url}/Status`, client),
      );
      expect(early.status).toBe(429);
      expect(header(early, 'Access-Control-Allow-Origin')).toBeUndefined();
      expect(comparable(early)).toEqual(comparable(framework));
    });

    it('counts, meters and logs refusals alike: rate_limit_exceeded_total, the request histogram, one sampled log line per client and window', async () => {
      const metricsBefore = await (await fetch(`${app.url}/metrics`)).text();
      const client = { localAddress: '127.0.0.4', headers: { 'X-Request-Id': 'log-client-4' } };
      const replies: RawReply[] = [];
      for (let i = 0; i < 6; i++) replies.push(await rawGet(`${app.url}/status`, client), await rawGet(`${app.url}/status/`, client));
      expect(replies.map((reply) => reply.status)).toEqual([200, 200, ...Array(10).fill(429)]);

      const metricsAfter = await (await fetch(`${app.url}/metrics`)).text();
      expect(sample(metricsAfter, 'rate_limit_exceeded_total{route="status"}') - sample(metricsBefore, 'rate_limit_exceeded_total{route="status"}')).toBe(10);
      const refusedTimed = 'http_request_duration_seconds_count{route="/status",method="GET",status="429"}';
      expect(sample(metricsAfter, refusedTimed) - sample(metricsBefore, refusedTimed)).toBe(10);

      // Ten refusals of one client in one window: one line, from whichever path refused first.
      await waitFor(() => logLines(app).some((line) => String(line.msg).includes('log-client-4')));
      const lines = logLines(app).filter((line) => String(line.msg).includes('request log-client-4'));
      expect(lines.map((line) => line.msg)).toEqual([expect.stringMatching(/^rate limited: status from 127\.0\.0\.x for \d+ s/)]);
      // No per-request line for any refusal, on either path; never the full address.
      expect(logLines(app).filter((line) => (line.res as { statusCode?: number } | undefined)?.statusCode === 429)).toEqual([]);
      expect(logLines(app).some((line) => String(line.msg).includes('127.0.0.4'))).toBe(false);
    });
  });

  describe('/ with the early path toggled off and on (two apps, same limits)', () => {
    let early: TestApp;
    let framework: TestApp;
    const env = { RATE_LIMIT_MAIN_PAGE: '1/minute', ALLOWED_ORIGINS: 'https://listed.example', ENABLE_HSTS: 'true' };
    beforeAll(async () => {
      early = await startTestApp(env);
      framework = await startTestApp(env, [], { earlyRefusals: false });
    });
    afterAll(async () => {
      await early.close();
      await framework.close();
    });

    it('sends the same refusal of the page, HSTS and CORS included, and counts it in the same metric', async () => {
      const client = { headers: BROWSER };
      expect((await rawGet(`${early.url}/`, client)).status).toBe(200);
      expect((await rawGet(`${framework.url}/`, client)).status).toBe(200);
      const exceededBefore = await exceededCount('main_page');
      const [a, b] = await refusalPair(
        () => rawGet(`${early.url}/`, client),
        () => rawGet(`${framework.url}/`, client),
      );
      expect(a.status).toBe(429);
      expect(header(a, 'Strict-Transport-Security')).toBeDefined();
      expect(comparable(a)).toEqual(comparable(b));
      // Both apps share this test process's registry: each refusal counted once, by either path.
      expect((await exceededCount('main_page')) - exceededBefore).toBeGreaterThanOrEqual(2);
      expect(((await exceededCount('main_page')) - exceededBefore) % 2).toBe(0);
    });
  });

  describe('with Redis', () => {
    let redis: RedisServer;
    let app: SpawnedApp;
    let inspector: Redis;
    beforeAll(async () => {
      redis = await RedisServer.start();
      app = await spawnApp({ REDIS_URL: redis.url, RATE_LIMIT_STATUS: '3/minute' });
      inspector = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    });
    afterAll(async () => {
      inspector.disconnect();
      await app.stop();
      await redis.stop();
    });

    it('counts each request once in the shared counter, whichever path answered, and both refuse from it', async () => {
      const client = { localAddress: '127.0.0.5', headers: { 'X-Request-Id': 'compare-3' } };
      const statuses = [];
      statuses.push((await rawGet(`${app.url}/status`, client)).status);
      statuses.push((await rawGet(`${app.url}/status/`, client)).status);
      statuses.push((await rawGet(`${app.url}/status`, client)).status);
      expect(statuses).toEqual([200, 200, 200]);
      expect(await inspector.get('ducke:rl:status:127.0.0.5')).toBe('3');

      const [earlyRefusal, frameworkRefusal] = await refusalPair(
        () => rawGet(`${app.url}/status`, client),
        () => rawGet(`${app.url}/status/`, client),
      );
      expect(earlyRefusal.status).toBe(429);
      expect(comparable(earlyRefusal)).toEqual(comparable(frameworkRefusal));
      const counted = Number(await inspector.get('ducke:rl:status:127.0.0.5'));
      // 3 admitted + at least one refusal pair, each request one increment.
      expect(counted).toBeGreaterThanOrEqual(5);
      expect((counted - 3) % 2).toBe(0);
    });
  });
});

function sample(exposition: string, series: string): number {
  const line = exposition.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

function logLines(app: SpawnedApp): Array<Record<string, unknown>> {
  return app
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
