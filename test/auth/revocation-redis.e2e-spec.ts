import Redis from 'ioredis';
import { revokedKey } from '../../src/auth/revocation-list.service';
import { claimsAt, hs256 } from '../support/test-tokens';
import { RedisServer } from '../support/redis-server';
import { waitFor } from '../support/ports';
import { revoke, startAuthApp, upgradeWith, type AuthApp } from './auth-app';
import { ttlOfRevoked } from './redis-ttl';

const cookie = (token: string) => upgradeWith({ cookie: `ducke_token=${token}` });

describe('revocation list shared through Redis', () => {
  let redis: RedisServer;
  let a: AuthApp;
  let b: AuthApp;

  beforeAll(async () => {
    redis = await RedisServer.start();
    a = await startAuthApp({ REDIS_URL: redis.url });
    b = await startAuthApp({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await Promise.allSettled([a?.close(), b?.close()]);
    await redis?.kill();
  });

  it('a revocation on one instance ends the live sessions of that jti on the other within a second, and B refuses it', async () => {
    const claims = claimsAt(Date.now(), { jti: 'shared-1' });
    const decision = await b.authenticator.authenticate(cookie(hs256(claims)));
    if (!decision.admitted || !decision.user) throw new Error(`not admitted: ${JSON.stringify(decision)}`);
    b.authenticator.track('b-session', decision.user);
    b.authenticator.track('b-other', { sub: 'bob', jti: 'shared-2', expiresAt: Date.now() + 3_600_000 });

    const sent = Date.now();
    expect((await revoke(a, { jti: 'shared-1', exp: claims.exp })).status).toBe(200);
    // Delivery takes milliseconds (see npm run bench); the bound is for a busy machine, and stays
    // under the 5 s periodic re-check so that path cannot pass this test on its own every time.
    const ended = await waitFor(() => b.events.find((event) => event.sessionId === 'b-session'), 4_000);
    expect(ended).toMatchObject({ kind: 'end', reason: 'revoked' });
    expect(ended.at - sent).toBeLessThan(4_000);
    expect(b.events.some((event) => event.sessionId === 'b-other')).toBe(false);
    expect(await b.authenticator.authenticate(cookie(hs256(claims)))).toMatchObject({ admitted: false, code: 'unauthorized' });
  });

  it('reaches an instance that has only just started: a revocation published the moment it serves ends its session', async () => {
    const fresh = await startAuthApp({ REDIS_URL: redis.url });
    try {
      // No pause between start-up and the revocation: the subscription must already be confirmed.
      fresh.authenticator.track('fresh-session', { sub: 'dora', jti: 'just-started', expiresAt: Date.now() + 3_600_000 });
      const sent = Date.now();
      expect((await revoke(a, { jti: 'just-started' })).status).toBe(200);
      const ended = await waitFor(() => fresh.events.find((event) => event.sessionId === 'fresh-session'), 4_000);
      expect(ended).toMatchObject({ kind: 'end', reason: 'revoked' });
      expect(ended.at - sent).toBeLessThan(4_000);
    } finally {
      await fresh.close();
    }
  });

  it("a revocation published while an instance's event connection is down ends its sessions once it reconnects", async () => {
    b.authenticator.track('b-gap', { sub: 'erin', jti: 'gap-1', expiresAt: Date.now() + 3_600_000 });
    const admin = new Redis(redis.url);
    try {
      await admin.client('KILL', 'TYPE', 'pubsub');
      expect((await revoke(a, { jti: 'gap-1' })).status).toBe(200);
      // The announcement went out while B was not listening; B reconciles as soon as it is back.
      const ended = await waitFor(() => b.events.find((event) => event.sessionId === 'b-gap'), 8_000, 50);
      expect(ended).toMatchObject({ kind: 'end', reason: 'revoked' });
    } finally {
      admin.disconnect();
    }
  });

  it('stores the entry in Redis with a TTL until the token would have expired', async () => {
    const exp = Math.floor(Date.now() / 1000) + 120;
    await revoke(a, { jti: 'ttl-check', exp });
    const ttlSec = await ttlOfRevoked(redis.url, 'ttl-check');
    expect(ttlSec).toBeGreaterThan(140);
    expect(ttlSec).toBeLessThanOrEqual(151);
  });

  it('ends a session on the other instance even when the revocation event is lost (periodic re-check)', async () => {
    b.authenticator.track('b-quiet', { sub: 'carol', jti: 'quiet-1', expiresAt: Date.now() + 3_600_000 });
    // Written straight into the store, as if the publish had been lost.
    await a.store.set(revokedKey('quiet-1'), { until: Date.now() + 60_000 }, 60_000);
    const ended = await waitFor(() => b.events.find((event) => event.sessionId === 'b-quiet'), 8_000, 100);
    expect(ended).toMatchObject({ kind: 'end', reason: 'revoked' });
  });

  it('the list survives an app restart with Redis', async () => {
    const claims = claimsAt(Date.now(), { jti: 'survivor' });
    await revoke(a, { jti: 'survivor', exp: claims.exp });
    await a.close();
    a = await startAuthApp({ REDIS_URL: redis.url });
    expect(await a.authenticator.authenticate(cookie(hs256(claims)))).toMatchObject({ admitted: false, message: expect.stringContaining('revoked') });
  });

  it('fails closed while Redis is down: sessions refused with retryAfterSec, revocation answers 503; recovers after', async () => {
    const token = hs256(claimsAt(Date.now()));
    await redis.kill();
    try {
      const started = Date.now();
      expect(await a.authenticator.authenticate(cookie(token))).toMatchObject({ admitted: false, code: 'upstream_error', retryAfterSec: 5 });
      expect(Date.now() - started).toBeLessThan(2_500); // fails fast, not at a hung command's end
      expect((await revoke(a, { jti: 'during-outage' })).status).toBe(503);
    } finally {
      await redis.launch();
    }
    await waitFor(async () => (await a.authenticator.authenticate(cookie(token))).admitted, 10_000, 200);
  });
});

describe('revocation list in memory', () => {
  it('clears on restart (tokens expire within hours, as the deployment guide accepts)', async () => {
    const claims = claimsAt(Date.now(), { jti: 'forgotten' });
    let app = await startAuthApp();
    try {
      await revoke(app, { jti: 'forgotten', exp: claims.exp });
      expect((await app.authenticator.authenticate(cookie(hs256(claims)))).admitted).toBe(false);
    } finally {
      await app.close();
    }
    app = await startAuthApp();
    try {
      expect((await app.authenticator.authenticate(cookie(hs256(claims)))).admitted).toBe(true);
    } finally {
      await app.close();
    }
  });
});
