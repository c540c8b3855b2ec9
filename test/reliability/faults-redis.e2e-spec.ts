import { sleep, waitFor } from '../support/ports';
import { ConversationLoad } from './support/conversation-load';
import { LoadClient, uniqueOffer } from './support/load-client';
import { RedisInspector } from './support/redis-inspector';
import { ReliabilityStack, startReliabilityStack } from './support/reliability-stack';
import { fetchFrom, sumOf } from './support/server-probe';

// Redis killed, then frozen, then restarted while conversations run on the built app (issue 9):
// the process stays up and /status answers; request limits fall back to this instance's memory
// and return to Redis; new conversations are refused while spend cannot be checked and admitted
// again within 5 s of Redis answering; running ones go on, still metered; and afterwards the
// ledger holds no reservation of a conversation that is not running, none negative, and every
// charge exactly once.

const CONVERSATIONS = 40;
const PAGE_LIMIT = 5;

interface StartAttempt {
  admitted: boolean;
  code?: string;
  retryAfterSec?: number;
  closeCode?: number;
  ms: number;
}

describe('faults: Redis killed, frozen and restarted under load (built app, REDIS_URL)', () => {
  let stack: ReliabilityStack;
  let load: ConversationLoad;
  let redis: RedisInspector;
  let pageClient = 40;

  beforeAll(async () => {
    stack = await startReliabilityStack({ redis: true, env: { RATE_LIMIT_MAIN_PAGE: `${PAGE_LIMIT}/minute`, COST_PROTECTION_SESSION_RESERVATION_USD: '0.05' } });
    redis = new RedisInspector(stack.redis!.url);
    load = new ConversationLoad(stack.app.url, stack.realtime);
    await load.openExactly(CONVERSATIONS);
    load.drive();
    await sleep(2_000);
  }, 60_000);

  afterAll(async () => {
    load?.terminateAll();
    await redis?.close();
    await stack?.stop();
  });

  /** A new conversation, start to verdict. */
  async function tryStart(): Promise<StartAttempt> {
    const started = performance.now();
    const client = await LoadClient.open(stack.app.url);
    const reply = client.next(['session.started', 'error'], 10_000);
    client.send({ type: 'session.start', sdp: uniqueOffer() });
    const message = await reply;
    const ms = performance.now() - started;
    if (message.type === 'session.started') {
      await client.stop();
      return { admitted: true, ms };
    }
    const { code: closeCode } = await client.closedPromise;
    return { admitted: false, code: String(message.code), retryAfterSec: message.retryAfterSec as number | undefined, closeCode, ms };
  }

  /** GET / from a fresh client address until refused; the number of 200s before the first 429. */
  async function pageAllowance(): Promise<number> {
    const address = `127.0.0.${pageClient++}`;
    let ok = 0;
    for (let i = 0; i < PAGE_LIMIT + 3; i++) {
      const response = await fetchFrom(address, `${stack.app.url}/`);
      if (response.status === 429) return ok;
      expect(response.status).toBe(200);
      ok++;
    }
    return ok;
  }

  /** While Redis is out: everything the process still promises. */
  async function duringOutage(): Promise<void> {
    const status = await waitFor(async () => {
      const body = await stack.probe.status();
      return body.sessions.accepting === false && body.rateLimit?.counting === 'memory-fallback' ? body : undefined;
    }, 5_000);
    expect(status.status).toBe('degraded');
    expect(status.sessions).toMatchObject({ accepting: false, reason: 'ledger_unavailable', retryAfterSec: 5 });
    expect(await stack.probe.metric('ducke_rate_limit_fallback_active')).toBe(1);

    // Request limits fall back to this instance's memory: still limits, not unlimited.
    expect(await pageAllowance()).toBe(PAGE_LIMIT);

    // New conversations are refused fast, with a retry hint, and never reach OpenAI.
    const callsBefore = stack.realtime.calls.size;
    for (let i = 0; i < 3; i++) {
      const attempt = await tryStart();
      expect(attempt).toMatchObject({ admitted: false, code: 'upstream_error', retryAfterSec: 5, closeCode: 1013 });
      expect(attempt.ms).toBeLessThan(3_000);
    }
    expect(stack.realtime.calls.size).toBe(callsBefore);

    // Running conversations go on: answered, metered, nothing closed.
    const costBefore = load.received('cost.updated');
    await sleep(2_500);
    expect(load.received('cost.updated')).toBeGreaterThan(costBefore);
    expect(load.unexpected()).toEqual([]);
  }

  /** Once Redis answers again: admitted within 5 s, limits back on Redis. Returns ms to the first admission. */
  async function afterRecovery(back: number): Promise<number> {
    let admittedAt = 0;
    while (!admittedAt && performance.now() - back < 10_000) {
      if ((await tryStart()).admitted) admittedAt = performance.now();
      else await sleep(100);
    }
    expect(admittedAt).toBeGreaterThan(0);
    await waitFor(async () => (await stack.probe.status()).rateLimit?.counting === 'redis', 5_000);
    expect(await stack.probe.metric('ducke_rate_limit_fallback_active')).toBe(0);
    expect(await pageAllowance()).toBe(PAGE_LIMIT);
    expect(load.unexpected()).toEqual([]);
    return admittedAt - back;
  }

  /** The ledger, with the conversations paused: holds only for running ones, none negative; spend and its meter agree. */
  async function quiesced<T>(read: () => Promise<T>): Promise<T> {
    await load.halt();
    await sleep(2_500); // last tool continuations answered, queued charges flushed (1 s poll)
    try {
      return await read();
    } finally {
      load.drive();
    }
  }

  async function ledgerFigures() {
    const [status, metrics, holds] = await Promise.all([stack.probe.status(), stack.probe.metrics(), redis.holds()]);
    const live = new Set(load.conversations.map(({ client }) => client.sessionId));
    return {
      hourlySpendUsd: status.sessions.hourlySpendUsd ?? NaN,
      meteredUsd: sumOf(metrics, 'ducke_cost_total_usd'),
      foreignHolds: [...holds.keys()].filter((id) => !live.has(id)),
      negativeHolds: [...holds.values()].filter((amount) => amount < 0),
    };
  }

  it('Redis killed: the process serves, limits fall back, new conversations are refused; all back within 5 s of Redis', async () => {
    await stack.redis!.kill();
    await duringOutage();
    await stack.redis!.launch();
    const ms = await afterRecovery(performance.now());
    console.log(`Redis killed → relaunched: first conversation admitted ${Math.round(ms)} ms after Redis was back`);
    expect(ms).toBeLessThan(5_000);
  });

  it('Redis frozen: nothing waits, refusals are fast; after it thaws no reservation is left behind and no charge counts twice', async () => {
    const before = await quiesced(ledgerFigures);
    expect(before.foreignHolds).toEqual([]);
    stack.redis!.freeze();
    try {
      await duringOutage();
    } finally {
      stack.redis!.resume();
    }
    const ms = await afterRecovery(performance.now());
    console.log(`Redis frozen → resumed: first conversation admitted ${Math.round(ms)} ms after Redis was back`);
    expect(ms).toBeLessThan(5_000);

    const after = await quiesced(ledgerFigures);
    // Admissions refused while Redis was frozen were still written once it thawed: none may stay held.
    expect(after.foreignHolds).toEqual([]);
    expect(after.negativeHolds).toEqual([]);
    // Everything metered since the freeze began is in the ledger once, not twice, not lost.
    expect(after.hourlySpendUsd - before.hourlySpendUsd).toBeCloseTo(after.meteredUsd - before.meteredUsd, 4);
  });

  it('Redis restarted: a short outage, the same promises', async () => {
    await stack.redis!.kill();
    await duringOutage();
    await stack.redis!.launch();
    const ms = await afterRecovery(performance.now());
    console.log(`Redis restarted: first conversation admitted ${Math.round(ms)} ms after Redis was back`);
    expect(ms).toBeLessThan(5_000);
  });

  it('afterwards every conversation ends cleanly and hangs up, and the ledger holds no reservation, none negative', async () => {
    const ends = await load.stopAll();
    expect(ends.failures).toEqual([]);
    expect(ends.reasons).toEqual({ client: CONVERSATIONS });
    expect(load.conversations.every(({ call }) => call.endedBy === 'hangup')).toBe(true);
    await waitFor(async () => (await redis.holds()).size === 0 && (await stack.probe.status()).sessions.reservedUsd === 0, 5_000);
    const status = await stack.probe.status();
    expect(status.conversations).toMatchObject({ active: 0, starting: 0, ending: 0 });
    expect(status.status).toBe('ok');
  });
});
