import fc from 'fast-check';
import { algNone, claimsAt, hs256, hs256WithHeader, hs256WithPublicKey, OTHER_SECRET, TEST_SECRET } from '../support/test-tokens';
import { ADMIN_TOKEN, postJson } from '../auth/auth-app';
import { sleep, waitFor } from '../support/ports';
import { ConversationLoad } from './support/conversation-load';
import { LoadClient, uniqueOffer } from './support/load-client';
import { ReliabilityStack, startReliabilityStack } from './support/reliability-stack';
import { sumOf } from './support/server-probe';

// Authentication while 100 conversations talk on the built app with Redis (issue 9 on issue 10):
// a storm of forged, tampered, expired and unsigned tokens is refused at the gate without a call
// and without slowing anyone; revoking running conversations' tokens ends exactly those, within
// a second, hung up; with Redis out the revocation list cannot be read, so new conversations are
// refused (fail closed) and revoking says 503, and both work again once Redis is back.

const CONVERSATIONS = 100;
const FORGED = 5_000;

/** A valid token for one person, good for an hour. */
const tokenFor = (sub: string) => hs256(claimsAt(Date.now(), { sub }));
const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });
const jtiOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { jti: string }).jti;
const tokenOf = (options: { headers?: Record<string, string> }) => (options.headers?.Authorization ?? '').replace(/^Bearer /, '');

describe('auth under load (built app, AUTH_REQUIRED, Redis)', () => {
  let stack: ReliabilityStack;
  let load: ConversationLoad;
  let people = 0;

  beforeAll(async () => {
    stack = await startReliabilityStack({ redis: true, env: { AUTH_REQUIRED: 'true', JWT_SECRET_KEY: TEST_SECRET, ADMIN_TOKEN } });
    load = new ConversationLoad(stack.app.url, stack.realtime, undefined, () => bearer(tokenFor(`person-${++people}`)));
    await load.openExactly(CONVERSATIONS);
    load.drive();
    await sleep(2_000);
  }, 60_000);
  afterAll(async () => {
    load?.terminateAll();
    await stack?.stop();
  });

  const revoke = (jti: string) => postJson(`${stack.app.url}/admin/tokens/revoke`, { jti }, { bearer: ADMIN_TOKEN });

  /** A connection with `headers`: the error it got (if any) and its close code. */
  async function attempt(headers: Record<string, string>, start = false, query?: string): Promise<{ code?: string; close: number; message?: string }> {
    const client = await LoadClient.open(stack.app.url, { headers, query });
    if (start) client.send({ type: 'session.start', sdp: uniqueOffer() });
    const { code } = await client.closedPromise;
    return { code: client.errors[0]?.code as string | undefined, close: code, message: client.errors[0]?.message as string | undefined };
  }

  it(`refuses ${FORGED} forged, tampered, expired and unsigned tokens (unauthorized, 1008) while ${CONVERSATIONS} conversations talk, creating nothing`, async () => {
    const now = Date.now();
    const valid = tokenFor('mallory');
    const [head, payload, signature] = valid.split('.');
    const forged = fc.oneof(
      fc.constant(null).map(() => hs256(claimsAt(now, { sub: 'mallory' }), OTHER_SECRET)), // wrong key
      fc.constant(null).map(() => algNone(claimsAt(now))), // unsigned
      fc.constant(null).map(() => hs256WithPublicKey(claimsAt(now))), // key confusion
      fc.integer({ min: 31, max: 86_400 }).map((ago) => hs256(claimsAt(now - 3_600_000 - ago * 1_000))), // expired (past the tolerance)
      // Not yet valid — for longer than this test runs, plus the 30 s clock tolerance.
      fc.integer({ min: 600, max: 86_400 }).map((ahead) => hs256(claimsAt(now, { nbf: Math.floor(now / 1000) + ahead }))),
      fc.constant(null).map(() => hs256(claimsAt(now, { exp: Math.floor(now / 1000) + 9 * 3600 }))), // lives too long
      fc.constantFrom('jti', 'sub', 'exp', 'iat').map((claim) => hs256(claimsAt(now, { [claim]: undefined }))), // a required claim missing
      fc.constant(null).map(() => hs256WithHeader(claimsAt(now), { typ: 'JWT', jku: 'https://evil.example/keys', kid: '../../etc/passwd' }, OTHER_SECRET)),
      fc.string({ minLength: 1, maxLength: 20 }).map((sub) => `${head}.${Buffer.from(JSON.stringify({ ...claimsAt(now), sub })).toString('base64url')}.${signature}`), // payload swapped, signature kept
      fc.constant(`${head}.${payload}.${signature.slice(0, -2)}`), // truncated signature
      fc.constant(`${head}.${payload}`), // two segments
      fc.string({ maxLength: 200 }).filter((text) => /^[\x21-\x7e]+$/.test(text)), // junk
      fc.constant(`${head}.${'A'.repeat(12_000)}.${signature}`), // oversized
    );
    const refusedBefore = await stack.probe.metric('ducke_auth_refused_total');
    const callsBefore = stack.realtime.calls.size;
    const since = performance.now();
    const tokens = fc.sample(forged, { numRuns: FORGED, seed: 20_261_127 });
    const verdicts: Array<{ code?: string; close: number }> = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < tokens.length) {
          const token = tokens[next++];
          verdicts.push(await attempt({ Authorization: `Bearer ${token}` }, next % 10 === 0));
        }
      }),
    );
    // Without any token, with a valid token in the URL only (never read from there), or in a cookie that is not ours.
    verdicts.push(await attempt({}));
    verdicts.push(await attempt({}, false, `token=${valid}&access_token=${valid}`));
    verdicts.push(await attempt({ Cookie: `session=${valid}` }));

    expect(verdicts.filter((verdict) => verdict.code !== 'unauthorized' || verdict.close !== 1008)).toEqual([]);
    expect(stack.realtime.calls.size).toBe(callsBefore);
    expect(await stack.probe.metric('ducke_auth_refused_total')).toBeGreaterThanOrEqual(refusedBefore + FORGED);
    const { p99, count } = load.latency(since);
    console.log(`${verdicts.length} forged-token attempts refused; the ${CONVERSATIONS} conversations meanwhile: p99 ${p99.toFixed(1)} ms over ${count} probes`);
    expect(p99).toBeLessThan(1_000); // ~5 ms alone; figures in npm run soak, here only "not starved"
    expect(load.unexpected()).toEqual([]);
  }, 120_000);

  it('revoking ten running conversations’ tokens ends exactly those within a second (revoked, hung up); the others carry on', async () => {
    const victims = load.conversations.slice(0, 10);
    for (const victim of victims) victim.client.leaving = true;
    const revokedAt = performance.now();
    for (const victim of victims) expect((await revoke(jtiOf(tokenOf(victim.options)))).status).toBe(200);
    await Promise.all(victims.map(({ client }) => client.closedPromise));
    const endedAfter = performance.now() - revokedAt;
    console.log(`ten revocations: every conversation ended ${Math.round(endedAfter)} ms after the first revoke`);
    expect(endedAfter).toBeLessThan(6_000); // ten revocations one after another; ~100 ms when idle
    expect(victims.map(({ client }) => client.endedReason)).toEqual(Array(10).fill('revoked'));
    await waitFor(() => victims.every(({ call }) => call.endedBy === 'hangup'));
    // A revoked token cannot come back.
    expect(await attempt(victims[0].options.headers!)).toMatchObject({ code: 'unauthorized', close: 1008 });
    await sleep(1_000);
    expect(load.conversations.slice(10).every(({ client }) => client.open && !client.endedReason)).toBe(true);
  });

  it('Redis out: new conversations refused (revocation list unreadable), revoking answers 503; both work again once Redis is back', async () => {
    const running = load.conversations.slice(10, 12);
    await stack.redis!.kill();
    try {
      const refused = await attempt(bearer(tokenFor('bob')).headers, true);
      expect(refused).toMatchObject({ code: 'upstream_error', close: 1013 });
      expect((await revoke(jtiOf(tokenOf(running[0].options)))).status).toBe(503);
      await sleep(1_000);
      expect(running.every(({ client }) => client.open)).toBe(true);
    } finally {
      await stack.redis!.launch();
    }
    const back = performance.now();
    await waitFor(async () => {
      const client = await LoadClient.open(stack.app.url, bearer(tokenFor('carol')));
      try {
        await client.start(5_000);
        return true;
      } catch {
        return false;
      } finally {
        await client.stop().catch(() => client.terminate());
      }
    }, 5_000, 100);
    console.log(`Redis back: an authenticated conversation admitted ${Math.round(performance.now() - back)} ms later`);
    running[0].client.leaving = true;
    expect((await revoke(jtiOf(tokenOf(running[0].options)))).status).toBe(200);
    await running[0].client.closedPromise;
    expect(running[0].client.endedReason).toBe('revoked');
  });

  it('afterwards every conversation ends cleanly and nothing is left', async () => {
    expect(load.unexpected()).toEqual([]);
    const ends = await load.stopAll();
    expect(ends.failures).toEqual([]);
    await waitFor(async () => {
      const status = await stack.probe.status();
      const metrics = await stack.probe.metrics();
      return status.conversations.active + status.conversations.starting + status.conversations.ending === 0 && sumOf(metrics, 'ducke_ws_connections_open') === 0;
    }, 10_000);
  });
});
