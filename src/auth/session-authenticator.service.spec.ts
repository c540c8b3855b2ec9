import type { IncomingMessage } from 'node:http';
import { Registry } from 'prom-client';
import { ManualClock } from '../../test/support/manual-clock';
import { EnforcementBus } from '../common/enforcement-bus';
import type { AuthDecision, EnforcementEvent } from '../common/session-ports';
import { MemoryStore } from '../storage/memory.store';
import type { StateStore } from '../storage/state-store';
import { buildAuthSettings, type AuthSettings } from './auth-settings';
import { createAuthMetrics } from './auth.metrics';
import { revokedKey, RevocationList } from './revocation-list.service';
import { SessionAuthenticatorService } from './session-authenticator.service';
import { claimsAt, hs256, OTHER_SECRET, TEST_SECRET } from '../../test/support/test-tokens';
import { TokenVerifier } from './token-verifier.service';

const NOW = 1_750_000_000_000;

function settings(overrides: Partial<AuthSettings> = {}): AuthSettings {
  return {
    ...buildAuthSettings({
      required: true,
      algorithm: 'HS256',
      secret: TEST_SECRET,
      publicKey: undefined,
      issuer: undefined,
      audience: undefined,
      maxTtlHours: 8,
      clockToleranceSec: 30,
      loginUrl: 'https://login.example.com/start',
      adminToken: undefined,
    }),
    ...overrides,
  };
}

function harness(options: { settings?: Partial<AuthSettings>; store?: (clock: ManualClock) => StateStore } = {}) {
  const clock = new ManualClock(NOW);
  const store = options.store?.(clock) ?? new MemoryStore(clock);
  const config = settings(options.settings);
  const registry = new Registry();
  const metrics = createAuthMetrics(registry);
  const revocations = new RevocationList(store, clock, config);
  const bus = new EnforcementBus();
  const authenticator = new SessionAuthenticatorService(config, new TokenVerifier(config, clock), revocations, metrics, clock, bus);
  revocations.onModuleInit();
  authenticator.onModuleInit();
  const events: EnforcementEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const refusals = async (reason: string) =>
    (await registry.getSingleMetric('ducke_auth_refused_total')!.get()).values.find((v) => v.labels.reason === reason)?.value;
  return { clock, store, revocations, authenticator, events, refusals, stop: () => authenticator.onApplicationShutdown() };
}

const upgrade = (headers: Record<string, string>): IncomingMessage => ({ headers, url: '/session' }) as unknown as IncomingMessage;
const withCookie = (token: string) => upgrade({ cookie: `ducke_token=${token}` });
const admittedUser = (decision: AuthDecision) => (decision.admitted ? decision.user : undefined);
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('SessionAuthenticatorService', () => {
  it('admits everyone without a user while AUTH_REQUIRED=false, whatever they send', async () => {
    const h = harness({ settings: { required: false } });
    expect(await h.authenticator.authenticate(upgrade({ authorization: 'Bearer garbage' }))).toEqual({ admitted: true });
    expect(await h.authenticator.authenticate(upgrade({}))).toEqual({ admitted: true });
  });

  it('refuses a missing token as unauthorized with the login URL, and counts it', async () => {
    const h = harness();
    const decision = await h.authenticator.authenticate(upgrade({}));
    expect(decision).toEqual({
      admitted: false,
      code: 'unauthorized',
      message: 'Please sign in to talk to DUCK-E.',
      loginUrl: 'https://login.example.com/start',
    });
    expect(await h.refusals('missing')).toBe(1);
  });

  it('leaves loginUrl out when AUTH_LOGIN_URL is unset', async () => {
    const decision = await harness({ settings: { loginUrl: undefined } }).authenticator.authenticate(upgrade({}));
    expect(decision).not.toHaveProperty('loginUrl');
  });

  it('refuses a bad signature with its reason in plain words', async () => {
    const h = harness();
    const decision = await h.authenticator.authenticate(withCookie(hs256(claimsAt(NOW), OTHER_SECRET)));
    expect(decision).toMatchObject({ admitted: false, code: 'unauthorized', message: expect.stringContaining('signature is not valid') });
    expect(await h.refusals('invalid_signature')).toBe(1);
  });

  it('admits a valid cookie or bearer token with sub, jti and expiry', async () => {
    const h = harness();
    const claims = claimsAt(NOW, { sub: 'alice', jti: 'j-1' });
    const expected = { sub: 'alice', jti: 'j-1', expiresAt: (claims.exp as number) * 1000 };
    expect(admittedUser(await h.authenticator.authenticate(withCookie(hs256(claims))))).toEqual(expected);
    expect(admittedUser(await h.authenticator.authenticate(upgrade({ authorization: `Bearer ${hs256(claims)}` })))).toEqual(expected);
  });

  it('awaits the revocation list: a revoked jti is refused, any other admitted', async () => {
    const h = harness();
    await h.revocations.revoke('stolen');
    const stolen = await h.authenticator.authenticate(withCookie(hs256(claimsAt(NOW, { jti: 'stolen' }))));
    expect(stolen).toMatchObject({ admitted: false, code: 'unauthorized', message: 'Your sign-in was revoked. Please sign in again.' });
    expect(await h.refusals('revoked')).toBe(1);
    expect((await h.authenticator.authenticate(withCookie(hs256(claimsAt(NOW, { jti: 'fine' }))))).admitted).toBe(true);
  });

  it('reads a revocation another instance stored (no event heard here)', async () => {
    const h = harness();
    await h.store.set(revokedKey('elsewhere'), { until: NOW + 60_000 }, 60_000);
    expect(await h.authenticator.authenticate(withCookie(hs256(claimsAt(NOW, { jti: 'elsewhere' }))))).toMatchObject({ code: 'unauthorized' });
  });

  it('fails closed when the revocation list cannot be read', async () => {
    const h = harness({
      store: (clock) => {
        const store = new MemoryStore(clock);
        store.get = () => Promise.reject(new Error('connection refused'));
        return store;
      },
    });
    const decision = await h.authenticator.authenticate(withCookie(hs256(claimsAt(NOW))));
    expect(decision).toMatchObject({ admitted: false, code: 'upstream_error', retryAfterSec: 5 });
  });

  it('ends every live session of a revoked jti once, and no other', async () => {
    const h = harness();
    const user = { sub: 'alice', jti: 'j-1', expiresAt: NOW + 3_600_000 };
    h.authenticator.track('s1', user);
    h.authenticator.track('s2', user);
    h.authenticator.track('s3', { ...user, jti: 'j-2' });
    await h.revocations.revoke('j-1');
    await flush();
    expect(h.events).toEqual([
      { kind: 'end', sessionId: 's1', reason: 'revoked' },
      { kind: 'end', sessionId: 's2', reason: 'revoked' },
    ]);
    expect(h.authenticator.trackedSessions).toBe(1);
    h.stop();
  });

  it('ends a session tracked just after its token was revoked', async () => {
    const h = harness();
    await h.revocations.revoke('late');
    h.authenticator.track('s1', { sub: 'alice', jti: 'late', expiresAt: NOW + 3_600_000 });
    await flush();
    expect(h.events).toEqual([{ kind: 'end', sessionId: 's1', reason: 'revoked' }]);
  });

  it('finds a revocation whose event was lost on the periodic re-check', async () => {
    const h = harness();
    h.authenticator.track('s1', { sub: 'alice', jti: 'quiet', expiresAt: NOW + 3_600_000 });
    await h.store.set(revokedKey('quiet'), { until: NOW + 60_000 }, 60_000);
    expect(h.events).toEqual([]);
    await h.authenticator.recheckLiveTokens();
    expect(h.events).toEqual([{ kind: 'end', sessionId: 's1', reason: 'revoked' }]);
    h.stop();
  });

  it('ends a session when its token expires (exp plus the clock tolerance), not before', () => {
    jest.useFakeTimers({ now: NOW });
    try {
      const h = harness();
      h.authenticator.track('s1', { sub: 'alice', jti: 'j-1', expiresAt: NOW + 60_000 });
      jest.advanceTimersByTime(60_000 + 29_000);
      expect(h.events).toEqual([]);
      jest.advanceTimersByTime(1_000);
      expect(h.events).toEqual([{ kind: 'end', sessionId: 's1', reason: 'token_expired' }]);
      h.authenticator.untrack('s1'); // idempotent after the end
    } finally {
      jest.useRealTimers();
    }
  });

  it('stops watching an untracked session', () => {
    jest.useFakeTimers({ now: NOW });
    try {
      const h = harness();
      h.authenticator.track('s1', { sub: 'alice', jti: 'j-1', expiresAt: NOW + 1_000 });
      h.authenticator.untrack('s1');
      jest.advanceTimersByTime(60_000);
      expect(h.events).toEqual([]);
      expect(h.authenticator.trackedSessions).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('RevocationList', () => {
  it('keeps a jti until the token would have expired (exp plus tolerance)', async () => {
    const h = harness();
    const until = await h.revocations.revoke('j-exp', NOW / 1000 + 600);
    expect(until).toBe(NOW + 600_000 + 30_000);
    h.clock.advance(630_000 - 1);
    expect(await h.store.get(revokedKey('j-exp'))).toBeDefined();
    h.clock.advance(1);
    expect(await h.store.get(revokedKey('j-exp'))).toBeUndefined();
  });

  it('without exp, or with an exp past any acceptable token, keeps it for the longest lifetime a token accepted now could have', async () => {
    const h = harness();
    const longest = NOW + 8 * 3_600_000 + 60_000;
    expect(await h.revocations.revoke('j-none')).toBe(longest);
    expect(await h.revocations.revoke('j-far', NOW / 1000 + 365 * 86_400)).toBe(longest);
  });

  it('keeps an already expired jti briefly (the token is dead anyway) and still announces it', async () => {
    const h = harness();
    const heard: string[] = [];
    h.revocations.onRevoked((jti) => heard.push(jti));
    expect(await h.revocations.revoke('j-old', NOW / 1000 - 3600)).toBe(NOW + 1_000);
    expect(heard).toEqual(['j-old']);
  });
});
