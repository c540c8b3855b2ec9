import { startTestApp, TestApp } from '../support/test-app';
import { exceededCount } from './exceeded-metric';
import { get, getSequentially, randomIpv4, remainingOf } from './http-get';

describe('HTTP rate limits', () => {
  describe('with the default limits, in memory', () => {
    let app: TestApp;
    beforeAll(async () => (app = await startTestApp({ REDIS_URL: undefined, TRUST_PROXY: undefined, RATE_LIMIT_ENABLED: undefined })));
    afterAll(() => app.close());

    it('lets 60 requests to /status through, answers the 61st with 429, Retry-After, RateLimit fields and the JSON body', async () => {
      const exceededBefore = await exceededCount('status');
      const passed = await getSequentially(60, `${app.url}/status`);
      expect(passed.map((reply) => reply.status)).toEqual(Array(60).fill(200));
      expect(passed[0].headers['ratelimit-policy']).toBe('"status";q=60;w=60');
      expect(passed.map(remainingOf)).toEqual(Array.from({ length: 60 }, (_, i) => 59 - i));

      const refused = await get(`${app.url}/status`);
      expect(refused.status).toBe(429);
      expect(refused.headers['content-type']).toMatch(/^application\/json/);
      const retryAfter = refused.headers['retry-after'];
      expect(retryAfter).toMatch(/^\d+$/);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(retryAfter)).toBeLessThanOrEqual(60);
      expect(refused.headers['ratelimit-policy']).toBe('"status";q=60;w=60');
      expect(refused.headers.ratelimit).toMatch(/^"status";r=0;t=\d+$/);
      expect(JSON.parse(refused.body)).toEqual({ statusCode: 429, message: expect.any(String), retryAfterSec: Number(retryAfter) });
      expect(await exceededCount('status')).toBe(exceededBefore + 1);

      // Another client address is not affected.
      const other = await get(`${app.url}/status`, { localAddress: '127.0.0.2' });
      expect(other.status).toBe(200);
      expect(remainingOf(other)).toBe(59);
    });

    it('limits GET / to 30 a minute, never limits /static/* by it, and keeps the page limit apart from /status', async () => {
      const client = { localAddress: '127.0.0.5' };
      const page = await getSequentially(30, `${app.url}/`, client);
      expect(page.map((reply) => reply.status)).toEqual(Array(30).fill(200));
      expect(page[0].headers['ratelimit-policy']).toBe('"main_page";q=30;w=60');
      const refused = await get(`${app.url}/`, client);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(refused.body)).toMatchObject({ statusCode: 429, retryAfterSec: Number(refused.headers['retry-after']) });

      const assets = await getSequentially(40, `${app.url}/static/styles.css`, client);
      expect(assets.map((reply) => reply.status)).toEqual(Array(40).fill(200));
      expect(assets[0].headers.ratelimit).toBeUndefined();

      const status = await get(`${app.url}/status`, client);
      expect(status.status).toBe(200);
      expect(remainingOf(status)).toBe(59);
    });

    it('does not apply the page limit to /metrics', async () => {
      const client = { localAddress: '127.0.0.6' };
      await getSequentially(31, `${app.url}/`, client);
      const metrics = await getSequentially(35, `${app.url}/metrics`, client);
      expect(metrics.filter((reply) => reply.status === 429)).toHaveLength(0);
      expect(metrics[0].headers.ratelimit).toBeUndefined();
    });
  });

  describe('TRUST_PROXY off (the default)', () => {
    let app: TestApp;
    beforeAll(async () => (app = await startTestApp({ REDIS_URL: undefined, TRUST_PROXY: undefined, RATE_LIMIT_STATUS: '5/minute' })));
    afterAll(() => app.close());

    it('puts every forged X-Forwarded-For from one peer into that peer’s bucket', async () => {
      const replies = await getSequentially(8, `${app.url}/status`, () => ({
        localAddress: '127.0.0.3',
        headers: { 'X-Forwarded-For': randomIpv4() },
      }));
      expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);

      // A forged header naming the throttled peer does not move another peer into its bucket either.
      const other = await get(`${app.url}/status`, { localAddress: '127.0.0.4', headers: { 'X-Forwarded-For': '127.0.0.3' } });
      expect(other.status).toBe(200);
      expect(remainingOf(other)).toBe(4);
    });
  });

  describe('TRUST_PROXY=loopback (a proxy on this host)', () => {
    let app: TestApp;
    beforeAll(async () => (app = await startTestApp({ REDIS_URL: undefined, TRUST_PROXY: 'loopback', RATE_LIMIT_STATUS: '5/minute' })));
    afterAll(() => app.close());

    const via = (forwardedFor: string) => ({ headers: { 'X-Forwarded-For': forwardedFor } });

    it('counts the client the trusted proxy names, not the proxy', async () => {
      const first = await getSequentially(6, `${app.url}/status`, via('198.51.100.10'));
      expect(first.map((reply) => reply.status)).toEqual([200, 200, 200, 200, 200, 429]);
      const second = await get(`${app.url}/status`, via('198.51.100.11'));
      expect(second.status).toBe(200);
      expect(remainingOf(second)).toBe(4);
    });

    it('ignores what the client itself wrote to the left of the proxy’s entry', async () => {
      const replies = await getSequentially(6, `${app.url}/status`, () => via(`${randomIpv4()}, 198.51.100.12`));
      expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200, 200, 429]);
    });

    it('groups IPv6 clients by /64', async () => {
      const sameNetwork = await getSequentially(6, `${app.url}/status`, (i) => via(`2001:db8:aa:bb:${i + 1}::${i + 7}`));
      expect(sameNetwork.map((reply) => reply.status)).toEqual([200, 200, 200, 200, 200, 429]);
      const otherNetwork = await get(`${app.url}/status`, via('2001:db8:aa:bc::1'));
      expect(otherNetwork.status).toBe(200);
    });
  });

  describe('TRUST_PROXY naming proxies the peer is not one of', () => {
    let app: TestApp;
    beforeAll(async () => (app = await startTestApp({ REDIS_URL: undefined, TRUST_PROXY: '10.0.0.0/8', RATE_LIMIT_STATUS: '5/minute' })));
    afterAll(() => app.close());

    it('ignores X-Forwarded-For from that untrusted peer', async () => {
      const replies = await getSequentially(6, `${app.url}/status`, () => ({ headers: { 'X-Forwarded-For': randomIpv4() } }));
      expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200, 200, 429]);
    });
  });

  describe('RATE_LIMIT_ENABLED=false', () => {
    let app: TestApp;
    beforeAll(async () => (app = await startTestApp({ REDIS_URL: undefined, RATE_LIMIT_ENABLED: 'false', RATE_LIMIT_STATUS: '2/minute', RATE_LIMIT_MAIN_PAGE: '2/minute' })));
    afterAll(() => app.close());

    it('limits nothing and sends no RateLimit fields', async () => {
      const replies = [...(await getSequentially(10, `${app.url}/status`)), ...(await getSequentially(10, `${app.url}/`))];
      expect(replies.map((reply) => reply.status)).toEqual(Array(20).fill(200));
      expect(replies.every((reply) => reply.headers.ratelimit === undefined)).toBe(true);
      expect(JSON.parse(replies[0].body).rateLimit).toEqual({ enabled: false });
    });
  });
});
