import { claimsAt, hs256 } from '../support/test-tokens';
import { ADMIN_TOKEN, revoke, startAuthApp, upgradeWith, type AuthApp } from './auth-app';
import { get } from '../rate-limit/http-get';

describe('POST /admin/tokens/revoke (in memory)', () => {
  let app: AuthApp;

  beforeAll(async () => {
    app = await startAuthApp({ RATE_LIMIT_STATUS: '2/minute', RATE_LIMIT_MAIN_PAGE: '2/minute' });
  });
  afterAll(() => app.close());

  it('revokes a jti: the gate refuses the token from then on, other tokens still pass', async () => {
    const claims = claimsAt(Date.now(), { jti: 'e2e-revoked' });
    const before = await app.authenticator.authenticate(upgradeWith({ cookie: `ducke_token=${hs256(claims)}` }));
    expect(before.admitted).toBe(true);

    const reply = await revoke(app, { jti: 'e2e-revoked', exp: claims.exp });
    expect(reply.status).toBe(200);
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.body).toEqual({ jti: 'e2e-revoked', revoked: true, until: new Date(((claims.exp as number) + 30) * 1000).toISOString() });

    const after = await app.authenticator.authenticate(upgradeWith({ cookie: `ducke_token=${hs256(claims)}` }));
    expect(after).toEqual({
      admitted: false,
      code: 'unauthorized',
      message: 'Your sign-in was revoked. Please sign in again.',
      loginUrl: 'https://login.example.com/duck-e',
    });
    const other = await app.authenticator.authenticate(upgradeWith({ cookie: `ducke_token=${hs256(claimsAt(Date.now()))}` }));
    expect(other.admitted).toBe(true);
  });

  it('ends the live sessions of the revoked jti on this instance', async () => {
    const user = { sub: 'alice', jti: 'e2e-live', expiresAt: Date.now() + 3_600_000 };
    app.authenticator.track('live-1', user);
    const sent = Date.now();
    expect((await revoke(app, { jti: 'e2e-live' })).status).toBe(200);
    const ended = app.events.find((event) => event.sessionId === 'live-1');
    expect(ended).toMatchObject({ kind: 'end', reason: 'revoked' });
    expect(ended!.at - sent).toBeLessThan(3_000);
  });

  it('answers 401 with WWW-Authenticate to a missing or wrong admin bearer, and revokes nothing', async () => {
    const wrong = await revoke(app, { jti: 'not-revoked' }, { bearer: `${ADMIN_TOKEN}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Bearer realm="duck-e-admin"');
    expect((await revoke(app, { jti: 'not-revoked' }, { bearer: '' })).status).toBe(401);
    const token = hs256(claimsAt(Date.now(), { jti: 'not-revoked' }));
    expect((await app.authenticator.authenticate(upgradeWith({ authorization: `Bearer ${token}` }))).admitted).toBe(true);
  });

  it.each([
    ['no jti', {}],
    ['an empty jti', { jti: '' }],
    ['a numeric jti', { jti: 7 }],
    ['a jti over 256 characters', { jti: 'j'.repeat(257) }],
    ['a string exp', { jti: 'a', exp: 'tomorrow' }],
    ['a fractional exp', { jti: 'a', exp: 1.5 }],
    ['an unknown field', { jti: 'a', sub: 'alice' }],
  ])('refuses a body with %s (400, nothing revoked)', async (_name, body) => {
    const reply = await revoke(app, body);
    expect(reply.status).toBe(400);
    expect(reply.body.statusCode).toBe(400);
  });

  it('is not limited by the page rate limits', async () => {
    for (let i = 0; i < 4; i++) expect((await get(`${app.url}/status`)).status).toBe(i < 2 ? 200 : 429);
    for (let i = 0; i < 5; i++) expect((await revoke(app, { jti: `many-${i}` })).status).toBe(200);
  });

  it('locks a client out after 10 wrong bearers (429 with Retry-After, even with the right one); another client is unaffected', async () => {
    const guesser = '127.0.0.3';
    for (let i = 0; i < 10; i++) expect((await revoke(app, { jti: 'guess' }, { bearer: `guess-${i}`, localAddress: guesser })).status).toBe(401);
    const locked = await revoke(app, { jti: 'guess' }, { localAddress: guesser });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
    expect(locked.body).toMatchObject({ statusCode: 429, retryAfterSec: Number(locked.headers['retry-after']) });
    expect((await revoke(app, { jti: 'other-client' }, { localAddress: '127.0.0.4' })).status).toBe(200);
  });
});

describe('POST /admin/tokens/revoke without ADMIN_TOKEN', () => {
  it('does not exist (404), whatever the bearer', async () => {
    const app = await startAuthApp({ ADMIN_TOKEN: undefined });
    try {
      const reply = await revoke(app, { jti: 'x' });
      expect(reply.status).toBe(404);
      expect(reply.body).toMatchObject({ statusCode: 404, message: 'Cannot POST /admin/tokens/revoke' });
    } finally {
      await app.close();
    }
  });
});
