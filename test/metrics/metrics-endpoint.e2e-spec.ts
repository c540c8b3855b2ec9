import { randomUUID } from 'node:crypto';
import { RedisServer } from '../support/redis-server';
import { startTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/ports';
import { parseExposition, scrape, valueOf } from './exposition';

const HTTP = 'http_request_duration_seconds';
/** Label names that would carry an unbounded value: a client, a session, a raw path. */
const UNBOUNDED_LABELS = ['ip', 'client', 'client_ip', 'session', 'session_id', 'sessionId', 'path', 'url', 'user', 'sub', 'jti'];

describe('GET /metrics', () => {
  describe('enabled without a token (the default)', () => {
    let app: TestApp;
    beforeAll(async () => (app = await startTestApp({ ENABLE_METRICS: undefined, METRICS_TOKEN: undefined, REDIS_URL: undefined })));
    afterAll(() => app.close());

    it('serves the Prometheus text format, never cached', async () => {
      const response = await fetch(`${app.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; charset=utf-8; version=0\.0\.4/);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const families = parseExposition(await response.text());
      expect(families.size).toBeGreaterThan(10);
      expect(families.get('ducke_storage_up')?.help).toMatch(/state store/);
    });

    it('lists the Node process defaults, the HTTP histogram and storage health with their types', async () => {
      await fetch(`${app.url}/status`);
      const families = await scrape(app.url);
      const typeOf = (name: string) => families.get(name)?.type;
      expect({
        process_cpu_seconds_total: typeOf('process_cpu_seconds_total'),
        process_cpu_user_seconds_total: typeOf('process_cpu_user_seconds_total'),
        process_resident_memory_bytes: typeOf('process_resident_memory_bytes'),
        nodejs_heap_size_used_bytes: typeOf('nodejs_heap_size_used_bytes'),
        nodejs_eventloop_lag_p99_seconds: typeOf('nodejs_eventloop_lag_p99_seconds'),
        [HTTP]: typeOf(HTTP),
        ducke_storage_up: typeOf('ducke_storage_up'),
      }).toEqual({
        process_cpu_seconds_total: 'counter',
        process_cpu_user_seconds_total: 'counter',
        process_resident_memory_bytes: 'gauge',
        nodejs_heap_size_used_bytes: 'gauge',
        nodejs_eventloop_lag_p99_seconds: 'gauge',
        [HTTP]: 'histogram',
        ducke_storage_up: 'gauge',
      });
      expect(valueOf(families, 'process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024);
      expect(valueOf(families, 'ducke_storage_up')).toBe(1);
      const labelNames = families.get(HTTP)!.samples.flatMap((sample) => Object.keys(sample.labels));
      expect(new Set(labelNames)).toEqual(new Set(['le', 'route', 'method', 'status']));
    });

    it('times each HTTP request under its route pattern, method and status', async () => {
      const labels = { route: '/status', method: 'GET', status: '200' };
      const before = await scrape(app.url);
      for (let i = 0; i < 3; i++) await fetch(`${app.url}/status?probe=${i}`);
      await fetch(`${app.url}/`, { method: 'HEAD' });
      const after = await scrape(app.url);
      expect(valueOf(after, `${HTTP}_count`, labels) - valueOf(before, `${HTTP}_count`, labels)).toBe(3);
      expect(valueOf(after, `${HTTP}_sum`, labels)).toBeGreaterThan(valueOf(before, `${HTTP}_sum`, labels));
      const pageHead = { route: '/', method: 'HEAD', status: '200' };
      expect(valueOf(after, `${HTTP}_count`, pageHead) - valueOf(before, `${HTTP}_count`, pageHead)).toBe(1);
      // The +Inf bucket counts every observation: the histogram is complete.
      expect(valueOf(after, `${HTTP}_bucket`, { ...labels, le: '+Inf' })).toBe(valueOf(after, `${HTTP}_count`, labels));
    });

    it('labels assets and unknown paths with fixed labels, never the raw path', async () => {
      const secret = randomUUID();
      const before = await scrape(app.url);
      expect((await fetch(`${app.url}/no-such-page-${secret}?q=${secret}`)).status).toBe(404);
      expect((await fetch(`${app.url}/static/${secret}.js`)).status).toBe(404);
      expect((await fetch(`${app.url}/static/app.js`)).status).toBe(200);
      const response = await fetch(`${app.url}/metrics`);
      const text = await response.text();
      expect(text).not.toContain(secret);
      const after = parseExposition(text);
      const delta = (labels: Record<string, string>) => valueOf(after, `${HTTP}_count`, labels) - valueOf(before, `${HTTP}_count`, labels);
      expect(delta({ route: 'unmatched', method: 'GET', status: '404' })).toBe(1);
      expect(delta({ route: 'static', method: 'GET', status: '404' })).toBe(1);
      expect(delta({ route: 'static', method: 'GET', status: '200' })).toBe(1);
      const routes = new Set(after.get(HTTP)!.samples.map((sample) => sample.labels.route));
      for (const route of routes) expect(route).toMatch(/^(static|unmatched|\/[a-z/]*)$/);
    });

    it('carries no label that could hold a client, a session or a raw path', async () => {
      const families = await scrape(app.url);
      for (const family of families.values()) {
        for (const sample of family.samples) {
          expect({ family: family.name, labels: Object.keys(sample.labels).filter((name) => UNBOUNDED_LABELS.includes(name)) }).toEqual({ family: family.name, labels: [] });
        }
      }
    });
  });

  describe('page limits do not apply to it', () => {
    let app: TestApp;
    beforeAll(async () => (app = await startTestApp({ RATE_LIMIT_STATUS: '2/minute', RATE_LIMIT_MAIN_PAGE: '2/minute', METRICS_TOKEN: undefined })));
    afterAll(() => app.close());

    it('answers a scraper every time, however often it polls', async () => {
      const statuses = new Set<number>();
      for (let i = 0; i < 30; i++) statuses.add((await fetch(`${app.url}/metrics`)).status);
      expect([...statuses]).toEqual([200]);
    });
  });

  describe('with ENABLE_METRICS=false', () => {
    let app: TestApp;
    beforeAll(async () => (app = await startTestApp({ ENABLE_METRICS: 'false', METRICS_TOKEN: 'token-that-does-not-matter' })));
    afterAll(() => app.close());

    it('answers 404 exactly like a path that does not exist, with or without a token', async () => {
      const absent = await fetch(`${app.url}/nothing-here`);
      const absentBody = (await absent.json()) as { message: string };
      for (const headers of [{}, { authorization: 'Bearer token-that-does-not-matter' }] as Array<Record<string, string>>) {
        const response = await fetch(`${app.url}/metrics`, { headers });
        expect(response.status).toBe(404);
        const body = (await response.json()) as { message: string };
        expect(body).toEqual({ ...absentBody, message: absentBody.message.replace('/nothing-here', '/metrics') });
      }
    });
  });

  describe('with METRICS_TOKEN', () => {
    const token = `metrics-${randomUUID()}`;
    let app: TestApp;
    beforeAll(async () => (app = await startTestApp({ ENABLE_METRICS: 'true', METRICS_TOKEN: token })));
    afterAll(() => app.close());

    it('refuses a scrape without the token, naming the Bearer scheme, and leaks no metric', async () => {
      const response = await fetch(`${app.url}/metrics`);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(await response.text()).not.toContain('process_cpu');
    });

    it('refuses a wrong token, a token of another scheme and a prefix of the token', async () => {
      for (const authorization of ['Bearer wrong', `Basic ${token}`, `Bearer ${token.slice(0, -1)}`, `Bearer ${token}x`, token]) {
        expect({ authorization, status: (await fetch(`${app.url}/metrics`, { headers: { authorization } })).status }).toEqual({ authorization, status: 401 });
      }
    });

    it('serves the metrics to the bearer of the token', async () => {
      const families = await scrape(app.url, token);
      expect(families.get('ducke_storage_up')?.type).toBe('gauge');
      expect(families.get('process_cpu_seconds_total')?.type).toBe('counter');
    });
  });

  describe('ducke_storage_up with REDIS_URL', () => {
    let redis: RedisServer;
    let app: TestApp;
    beforeAll(async () => {
      redis = await RedisServer.start();
      app = await startTestApp({ REDIS_URL: redis.url, METRICS_TOKEN: undefined });
    });
    afterAll(async () => {
      await app.close();
      await redis.stop();
    });

    it('follows Redis: 1 while it answers, 0 while it is down, 1 again once it is back', async () => {
      expect(valueOf(await scrape(app.url), 'ducke_storage_up')).toBe(1);
      await redis.kill();
      await waitFor(async () => valueOf(await scrape(app.url), 'ducke_storage_up') === 0 || undefined);
      await redis.launch();
      await waitFor(async () => valueOf(await scrape(app.url), 'ducke_storage_up') === 1, 10_000);
    });
  });
});
