import { BrowserSocket, TEST_OFFER } from './support/browser-socket';
import { metricValue } from './support/metrics';
import { RealtimeApp, startRealtimeApp } from './support/realtime-app';

// The connection gate, over real sockets: every refusal of docs/protocol.md with its HTTP status or
// error code and close code — and not one call created upstream for any of them.

describe('/session gate: origin at the upgrade', () => {
  let env: RealtimeApp;
  beforeAll(async () => {
    env = await startRealtimeApp({ ALLOWED_ORIGINS: 'https://duck.example,https://*.ducks.example' });
  });
  afterAll(() => env.close());

  it('refuses foreign, missing, null and look-alike origins with HTTP 403, creating nothing', async () => {
    const refusedBefore = await metricValue('ducke_session_refusals_total', { reason: 'forbidden_origin' });
    const own = new URL(env.app.url);
    const variants: Array<string | null> = [
      'https://evil.example',
      null,
      'null',
      `${env.app.url}.evil.example`,
      `http://${own.host}/`,
      env.app.url.toUpperCase(),
      `https://evil.example#${env.app.url}`,
      'https://duck.example.evil.example',
      'https://a.b.ducks.example',
    ];
    for (const origin of variants) {
      const { status } = await BrowserSocket.refusal(env.app.url, { origin });
      expect({ origin, status }).toEqual({ origin, status: 403 });
    }
    expect(await metricValue('ducke_session_refusals_total', { reason: 'forbidden_origin' })).toBe(refusedBefore + variants.length);
    expect(env.realtime.calls.size).toBe(0);
    expect(env.fake.requests).toHaveLength(0);
  });

  it('admits the page’s own origin and the listed ones', async () => {
    for (const origin of [env.app.url, 'https://duck.example', 'https://quack.ducks.example']) {
      const browser = await BrowserSocket.open(env.app.url, { origin });
      expect(browser.open).toBe(true);
      browser.close();
    }
  });
});

describe('/session gate: connect rate limit (RATE_LIMIT_WEBSOCKET) over the wire', () => {
  let env: RealtimeApp;
  beforeAll(async () => {
    env = await startRealtimeApp({ RATE_LIMIT_WEBSOCKET: '2/minute', TRUST_PROXY: 'loopback' });
  });
  afterAll(() => env.close());

  it('admits two connections a minute per client, then sends rate_limited with retryAfterSec and closes 1013', async () => {
    const as = (ip: string) => ({ headers: { 'X-Forwarded-For': ip } });
    const first = await env.open(as('198.51.100.10'));
    const second = await env.open(as('198.51.100.10'));
    const third = await env.open(as('198.51.100.10'));
    const refusal = await third.next('error');
    expect(refusal).toEqual({ type: 'error', code: 'rate_limited', message: expect.any(String), retryAfterSec: expect.any(Number) });
    expect(refusal.retryAfterSec as number).toBeGreaterThanOrEqual(1);
    expect(refusal.retryAfterSec as number).toBeLessThanOrEqual(60);
    expect((await third.closedWithin()).code).toBe(1013);
    // A session.start sent on a refused connection starts nothing.
    expect(third.open).toBe(false);

    // Another client is not affected; the admitted ones still work.
    const other = await env.open(as('198.51.100.11'));
    other.send({ type: 'session.start', sdp: TEST_OFFER });
    await other.next('session.started');
    expect(env.realtime.calls.size).toBe(1);
    for (const browser of [first, second, other]) browser.close();
  });
});

describe('/session gate: no OPENAI_API_KEY', () => {
  let env: RealtimeApp;
  beforeAll(async () => {
    env = await startRealtimeApp({ OPENAI_API_KEY: undefined });
  });
  afterAll(() => env.close());

  it('refuses with not_configured and 1013 while the page and /status keep working', async () => {
    const browser = await env.open();
    browser.send({ type: 'session.start', sdp: TEST_OFFER });
    expect(await browser.next('error')).toEqual({ type: 'error', code: 'not_configured', message: expect.any(String) });
    expect((await browser.closedWithin()).code).toBe(1013);
    expect(browser.of('session.started')).toHaveLength(0);
    expect(env.fake.requests).toHaveLength(0);
    expect((await fetch(`${env.app.url}/status`)).status).toBe(200);
    expect((await fetch(`${env.app.url}/`)).status).toBe(200);
  });
});

describe('/session gate: hourly cap (cost admission at session.start)', () => {
  let env: RealtimeApp;
  beforeAll(async () => {
    // A session reserves $0.50 against the cap; a $0.40 cap admits none.
    env = await startRealtimeApp({ COST_PROTECTION_MAX_TOTAL_COST_PER_HOUR_USD: '0.40', COST_PROTECTION_SESSION_RESERVATION_USD: '0.50' });
  });
  afterAll(() => env.close());

  it('refuses with hourly_cap, retryAfterSec and 1013, creating no call', async () => {
    const refusedBefore = await metricValue('ducke_session_refusals_total', { reason: 'hourly_cap' });
    const browser = await env.open();
    browser.send({ type: 'session.start', sdp: TEST_OFFER });
    const refusal = await browser.next('error');
    expect(refusal).toEqual({ type: 'error', code: 'hourly_cap', message: expect.any(String), retryAfterSec: expect.any(Number) });
    expect(refusal.retryAfterSec as number).toBeGreaterThanOrEqual(1);
    expect((await browser.closedWithin()).code).toBe(1013);
    expect(env.realtime.calls.size).toBe(0);
    expect(env.fake.requestsTo('/v1/realtime/calls')).toHaveLength(0);
    expect(await metricValue('ducke_session_refusals_total', { reason: 'hourly_cap' })).toBe(refusedBefore + 1);
  });
});
