import { WebSocket } from 'ws';
import { algNone, claimsAt, hs256, hs256WithPublicKey, OTHER_SECRET, rs256, rsaKeys } from '../support/test-tokens';
import { usageCosting } from '../cost/cost-app';
import { BrowserSocket, TEST_OFFER, type Message } from '../realtime/support/browser-socket';
import { metricValue } from '../realtime/support/metrics';
import { startRealtimeApp, type RealtimeApp } from '../realtime/support/realtime-app';
import { RedisServer } from '../support/redis-server';
import { waitFor } from '../support/ports';
import { AUTH_ENV, revoke } from './auth-app';

// docs/authentication.md over real sockets: the token gate of /session, revocation and expiry of live calls,
// and per-user limits — the real app, the fake OpenAI, real Redis where state is shared.

const ISSUER = 'https://id.duck.example';
const AUDIENCE = 'duck-e';
const LOGIN_URL = AUTH_ENV.AUTH_LOGIN_URL;
const nowSec = () => Math.floor(Date.now() / 1000);
/** A valid token for the HS256 app below (issuer and audience set). */
const good = (overrides: Record<string, unknown> = {}) => claimsAt(Date.now(), { iss: ISSUER, aud: AUDIENCE, ...overrides });
/** The address every refused connection below comes from. */
const REFUSED_IP = '198.51.100.200';
const withCookie = (token: string, ip = REFUSED_IP) => ({ headers: { Cookie: `theme=dark; ducke_token=${token}`, 'X-Forwarded-For': ip } });
const withBearer = (token: string, ip = REFUSED_IP) => ({ headers: { Authorization: `Bearer ${token}`, 'X-Forwarded-For': ip } });

async function expectUnauthorized(browser: Pick<BrowserSocket, 'next' | 'closedWithin'>, message: RegExp): Promise<Message> {
  const error = await browser.next('error');
  expect(error).toEqual({ type: 'error', code: 'unauthorized', message: expect.stringMatching(message), loginUrl: LOGIN_URL });
  expect((await browser.closedWithin()).code).toBe(1008);
  return error;
}

/** Open a session with this token (from its own address) and wait until it is live. */
let nextAddress = 1;
async function startAs(env: RealtimeApp, token: string) {
  return env.startSession(withCookie(token, `203.0.113.${nextAddress++}`));
}

describe('/session token gate (HS256, issuer and audience configured)', () => {
  let env: RealtimeApp;
  beforeAll(async () => {
    env = await startRealtimeApp({
      ...AUTH_ENV,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
      JWT_MAX_TTL_HOURS: '2',
      // Tight: the refused connections below must not count, or the valid one would be limited.
      RATE_LIMIT_WEBSOCKET: '2/minute',
      TRUST_PROXY: 'loopback',
    });
  });
  afterAll(() => env.close());

  it('refuses every reason of docs/authentication.md with unauthorized + loginUrl and close 1008, counting nothing and creating no call', async () => {
    await revoke(env.app, { jti: 'revoked-jti' });
    const cases: Array<[string, () => Record<string, unknown>, RegExp, string]> = [
      ['no token', () => ({ headers: { 'X-Forwarded-For': REFUSED_IP } }), /sign in/, 'missing'],
      ['a token only in the query string', () => ({ url: `?token=${hs256(good())}`, headers: { 'X-Forwarded-For': REFUSED_IP } }), /sign in/, 'missing'],
      ['a bad signature', () => withCookie(hs256(good(), OTHER_SECRET)), /signature is not valid/, 'invalid_signature'],
      ['alg none', () => withCookie(algNone(good())), /signed in a way this server does not accept/, 'algorithm'],
      ['RS256 when HS256 is configured', () => withCookie(rs256(good())), /does not accept/, 'algorithm'],
      ['an expired token', () => withCookie(hs256(good({ iat: nowSec() - 3600, exp: nowSec() - 60 }))), /expired/, 'expired'],
      ['a token not valid yet', () => withCookie(hs256(good({ nbf: nowSec() + 600 }))), /not valid yet/, 'not_yet_valid'],
      ['a wrong issuer', () => withCookie(hs256(good({ iss: 'https://evil.example' }))), /provider this server does not trust/, 'issuer'],
      ['a wrong audience', () => withCookie(hs256(good({ aud: 'another-app' }))), /different service/, 'audience'],
      ['a revoked jti', () => withCookie(hs256(good({ jti: 'revoked-jti' }))), /revoked/, 'revoked'],
      ['a lifetime over JWT_MAX_TTL_HOURS', () => withCookie(hs256(good({ exp: nowSec() + 2 * 3600 + 60 }))), /longer than this server allows \(at most 2 hours\)/, 'lifetime'],
      ['no jti', () => withBearer(hs256(good({ jti: undefined }))), /could not be read/, 'malformed'],
    ];
    for (const [name, options, message, reason] of cases) {
      const before = await metricValue('ducke_auth_refused_total', { reason });
      const { url, ...openOptions } = options() as { url?: string; headers?: Record<string, string> };
      const browser = url ? await openAt(env, url, openOptions) : await env.open(openOptions);
      // A session.start sent at once is not acted on either.
      browser.send({ type: 'session.start', sdp: TEST_OFFER });
      await expectUnauthorized(browser, message);
      expect({ name, counted: await metricValue('ducke_auth_refused_total', { reason }) }).toEqual({ name, counted: before + 1 });
    }
    expect(env.realtime.calls.size).toBe(0);
    expect(env.fake.requests).toHaveLength(0);

    // None of the refused connections counted against RATE_LIMIT_WEBSOCKET (2/minute) for their address.
    const live = await env.startSession(withCookie(hs256(good({ sub: 'alice' })), REFUSED_IP));
    expect(live.started).toMatchObject({ type: 'session.started', sessionId: expect.any(String) });
    live.browser.close();
  });

  it('starts a session with a valid cookie token, and with Authorization: Bearer for non-browser clients', async () => {
    const byCookie = await startAs(env, hs256(good({ sub: 'bob' })));
    expect(byCookie.started.type).toBe('session.started');
    const bearer = await env.open(withBearer(hs256(good({ sub: 'carol' })), '203.0.113.250'));
    bearer.send({ type: 'session.start', sdp: TEST_OFFER });
    expect((await bearer.next('session.started')).type).toBe('session.started');
    byCookie.browser.close();
    bearer.close();
  });

  it('ends a live call within a second of its revocation (session.ended revoked, call hung up); other calls go on', async () => {
    const claims = good({ sub: 'dave' });
    const target = await startAs(env, hs256(claims));
    const bystander = await startAs(env, hs256(good({ sub: 'dave' })));
    const sent = Date.now();
    expect((await revoke(env.app, { jti: claims.jti, exp: claims.exp })).status).toBe(200);
    expect(await target.browser.next('session.ended', 5_000)).toEqual({ type: 'session.ended', reason: 'revoked' });
    expect(Date.now() - sent).toBeLessThan(3_000); // milliseconds when idle; the contract says within a few seconds
    expect((await target.browser.closedWithin()).code).toBe(1000);
    await waitFor(() => target.call.hangups.length === 1);
    expect(bystander.browser.open).toBe(true);
    expect(bystander.call.hangups).toHaveLength(0);
    bystander.browser.close();
  });
});

/** The part of a browser socket the refusal checks use. */
type RefusedSocket = Pick<BrowserSocket, 'next' | 'closedWithin' | 'send'>;

/** Open /session with a query string appended (the gate must never read a token from it). */
async function openAt(env: RealtimeApp, query: string, options: { headers?: Record<string, string> }): Promise<RefusedSocket> {
  const socket = new WebSocket(`${BrowserSocket.urlFor(env.app.url)}${query}`, { headers: { Origin: env.app.url, ...options.headers } });
  const messages: Message[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(data.toString()) as Message));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return {
    send: (message) => socket.send(JSON.stringify(message)),
    next: async (type) => waitFor(() => messages.find((message) => message.type === type)),
    closedWithin: () => closed,
  };
}

describe('/session token gate (RS256)', () => {
  let env: RealtimeApp;
  beforeAll(async () => {
    env = await startRealtimeApp({ ...AUTH_ENV, JWT_SECRET_KEY: undefined, JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY: rsaKeys().publicPem });
  });
  afterAll(() => env.close());

  it('refuses alg none and an HS256 token keyed with the RS256 public key; starts with a valid RS256 token', async () => {
    for (const token of [algNone(claimsAt(Date.now())), hs256WithPublicKey(claimsAt(Date.now()))]) {
      await expectUnauthorized(await env.open(withCookie(token)), /signed in a way this server does not accept/);
    }
    expect(env.fake.requests).toHaveLength(0);
    const live = await startAs(env, rs256(claimsAt(Date.now())));
    expect(live.started.type).toBe('session.started');
    live.browser.close();
  });
});

describe('/session token expiry during a call', () => {
  it('ends the call when the token expires (session.ended token_expired, hung up)', async () => {
    const env = await startRealtimeApp({ ...AUTH_ENV, JWT_CLOCK_TOLERANCE_SECONDS: '0' });
    try {
      const expiresAt = Date.now() + 2_500;
      const live = await startAs(env, hs256(claimsAt(Date.now(), { exp: Math.floor(expiresAt / 1000) })));
      expect(await live.browser.next('session.ended', 5_000)).toEqual({ type: 'session.ended', reason: 'token_expired' });
      expect(Date.now()).toBeGreaterThanOrEqual(Math.floor(expiresAt / 1000) * 1000);
      await waitFor(() => live.call.hangups.length === 1);
    } finally {
      await env.close();
    }
  });
});

describe('/session per-user limits with auth on', () => {
  let env: RealtimeApp;
  beforeAll(async () => {
    env = await startRealtimeApp({
      ...AUTH_ENV,
      TRUST_PROXY: 'loopback',
      RATE_LIMIT_WEBSOCKET: '2/minute',
      COST_PROTECTION_MAX_USER_COST_PER_HOUR_USD: '0.10',
      COST_PROTECTION_SESSION_RESERVATION_USD: '0.01',
    });
  });
  afterAll(() => env.close());

  const from = (ip: string, sub: string) => ({ headers: { 'X-Forwarded-For': ip, Cookie: `ducke_token=${hs256(claimsAt(Date.now(), { sub }))}` } });

  it('counts RATE_LIMIT_WEBSOCKET per person across addresses; another person at the same address is not affected', async () => {
    const first = await env.open(from('198.51.100.1', 'erin'));
    const second = await env.open(from('198.51.100.2', 'erin'));
    const third = await env.open(from('198.51.100.3', 'erin'));
    expect(await third.next('error')).toMatchObject({ code: 'rate_limited', retryAfterSec: expect.any(Number) });
    expect((await third.closedWithin()).code).toBe(1013);
    const other = await env.open(from('198.51.100.3', 'frank'));
    other.send({ type: 'session.start', sdp: TEST_OFFER });
    expect((await other.next('session.started')).type).toBe('session.started');
    for (const browser of [first, second, other]) browser.close();
  });

  it('caps one person’s rolling-hour spend across sessions and addresses (hourly_cap), not another’s', async () => {
    const spender = await env.startSession(from('198.51.100.11', 'grace'));
    spender.call.responseDone(usageCosting(0.12));
    await spender.browser.next('cost.updated');

    const again = await env.open(from('198.51.100.12', 'grace'));
    const callsBefore = env.realtime.calls.size;
    again.send({ type: 'session.start', sdp: TEST_OFFER });
    expect(await again.next('error')).toMatchObject({ code: 'hourly_cap', message: expect.stringContaining('your hourly spending limit') });
    expect((await again.closedWithin()).code).toBe(1013);
    expect(env.realtime.calls.size).toBe(callsBefore);

    const someoneElse = await env.startSession(from('198.51.100.12', 'heidi'));
    expect(someoneElse.started.type).toBe('session.started');
    spender.browser.close();
    someoneElse.browser.close();
  });
});

describe('/session revocation across instances sharing Redis', () => {
  let redis: RedisServer;
  let a: RealtimeApp;
  let b: RealtimeApp;
  let fakes: Pick<RealtimeApp, 'fake' | 'realtime' | 'responses' | 'weather'>;
  beforeAll(async () => {
    redis = await RedisServer.start();
    a = await startRealtimeApp({ ...AUTH_ENV, REDIS_URL: redis.url });
    fakes = { fake: a.fake, realtime: a.realtime, responses: a.responses, weather: a.weather };
    b = await startRealtimeApp({ ...AUTH_ENV, REDIS_URL: redis.url }, fakes);
  });
  afterAll(async () => {
    await Promise.allSettled([a?.app.close(), b?.app.close()]);
    await fakes?.realtime.closeAll();
    await fakes?.fake.stop();
    await fakes?.weather.stop();
    await redis?.stop();
  });

  it('a revocation on A ends the live call on B within a second, and the list survives a restart of A', async () => {
    const claims = claimsAt(Date.now(), { sub: 'ivan' });
    const token = hs256(claims);
    const onB = await startAs(b, token);
    const sent = Date.now();
    expect((await revoke(a.app, { jti: claims.jti, exp: claims.exp })).status).toBe(200);
    expect(await onB.browser.next('session.ended', 5_000)).toEqual({ type: 'session.ended', reason: 'revoked' });
    expect(Date.now() - sent).toBeLessThan(4_000); // under the 5 s re-check: the announcement did it
    await waitFor(() => onB.call.hangups.length === 1);

    await a.app.close();
    a = await startRealtimeApp({ ...AUTH_ENV, REDIS_URL: redis.url }, fakes);
    await expectUnauthorized(await a.open(withCookie(token)), /revoked/);
  });
});

describe('/session revocation list in memory', () => {
  it('clears on restart: a revoked token works again on a fresh instance', async () => {
    const claims = claimsAt(Date.now(), { sub: 'judy' });
    const token = hs256(claims);
    let env = await startRealtimeApp(AUTH_ENV);
    const shared = { fake: env.fake, realtime: env.realtime, responses: env.responses, weather: env.weather };
    try {
      await revoke(env.app, { jti: claims.jti });
      await expectUnauthorized(await env.open(withCookie(token)), /revoked/);
      await env.app.close();
      env = await startRealtimeApp(AUTH_ENV, shared);
      const live = await startAs(env, token);
      expect(live.started.type).toBe('session.started');
      live.browser.close();
    } finally {
      await env.app.close();
      await shared.realtime.closeAll();
      await shared.fake.stop();
      await shared.weather.stop();
    }
  });
});
