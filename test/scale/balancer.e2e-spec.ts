import { ADMIN_TOKEN, AUTH_ENV, postJson } from '../auth/auth-app';
import { claimsAt, hs256 } from '../support/test-tokens';
import { responseUsage } from '../fakes/openai/realtime-events';
import { get, randomIpv4 } from '../rate-limit/http-get';
import { Conversation, ConversationLoad } from '../reliability/support/conversation-load';
import { LoadClient, LoadClientOptions, uniqueOffer } from '../reliability/support/load-client';
import { RedisInspector } from '../reliability/support/redis-inspector';
import { sumOf } from '../reliability/support/server-probe';
import { sleep, waitFor } from '../support/ports';
import { RedisServer } from '../support/redis-server';
import { HaproxyBalancer } from './support/haproxy-balancer';
import { Instance, InstancePool } from './support/instance-pool';

// Several instances the way a deployment past one machine runs them: three built
// services (`node dist/main.js`) on one real redis-server, behind a real HAProxy running
// deploy/haproxy/haproxy.cfg, which checks each instance's /readyz and passes the WebSocket
// upgrade and X-Forwarded-For (TRUST_PROXY names the balancer, 127.0.0.1, and nothing else).
// Visitors are told apart by the loopback address their sockets are bound to (127.0.x.y), so
// the balancer sees distinct sources, as it would distinct people. Auth is on, so a revocation
// can be made on one instance and watched on the others. Everything goes through the balancer
// except what an operator reads from one instance (/status, /metrics, /readyz).

const INSTANCES = 3;
const CONVERSATIONS = 24;
const WS_LIMIT = 8;
const PAGE_LIMIT = 10;
// Small enough that one response crosses each (a usage event is charged at most the per-response
// bound, $6.144 for gpt-realtime-2), large enough that the conversations before never reach them.
const HOURLY_CAP_USD = 2.5;
const BREAKER_USD = 5;
/** gpt-realtime-2 audio output, USD per token: a response of N audio tokens costs N × this. */
const AUDIO_OUT_USD = 64 / 1_000_000;

let sources = 0;
/** A loopback address never used before in this suite: one more distinct visitor. */
const freshAddress = () => {
  const n = sources++;
  return `127.0.${10 + Math.floor(n / 250)}.${1 + (n % 250)}`;
};
const tokenFor = (sub: string, claims: Record<string, unknown> = {}) => hs256(claimsAt(Date.now(), { sub, ...claims }));
/** How a fresh visitor connects: its own address, its own signed-in user. */
const visitor = (): LoadClientOptions => ({ localAddress: freshAddress(), headers: { Authorization: `Bearer ${tokenFor(`visitor-${sources}`)}` } });

interface Attempt {
  at: number;
  admitted: boolean;
  /** Where it landed (admitted) or what refused it: an error code or an HTTP status. */
  detail: string;
}

describe('three instances behind HAProxy on one Redis (built app)', () => {
  let redis: RedisServer;
  let inspector: RedisInspector;
  let pool: InstancePool;
  let balancer: HaproxyBalancer;
  let load: ConversationLoad;
  /** Conversations opened beside the load (revocation), not driven; counted in the spend. */
  const others: LoadClient[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
    inspector = new RedisInspector(redis.url);
    const { OPENAI_API_KEY: _key, ...auth } = AUTH_ENV;
    pool = await InstancePool.start(INSTANCES, {
      ...auth,
      REDIS_URL: redis.url,
      TRUST_PROXY: '127.0.0.1',
      RATE_LIMIT_WEBSOCKET: `${WS_LIMIT}/minute`,
      RATE_LIMIT_MAIN_PAGE: `${PAGE_LIMIT}/minute`,
      // The suite reads /status often from one address; probes (/readyz) are never limited.
      RATE_LIMIT_STATUS: '1000000/minute',
      RATE_LIMIT_WEATHER_API: '1000000/hour',
      RATE_LIMIT_WEB_SEARCH: '1000000/hour',
      COST_PROTECTION_SESSION_RESERVATION_USD: '0.01',
      COST_PROTECTION_MAX_SESSION_COST_USD: '100',
      COST_PROTECTION_MAX_TOTAL_COST_PER_HOUR_USD: String(HOURLY_CAP_USD),
      COST_PROTECTION_CIRCUIT_BREAKER_THRESHOLD_USD: String(BREAKER_USD),
      // Spend is compared to the cent with what the browsers were told: metered usage only, so the
      // time floor (which counts connected minutes the fake never bills) stays off here.
      COST_PROTECTION_MIN_USD_PER_MINUTE: '0',
      LOG_LEVEL: 'warn',
    });
    // Every instance counting on Redis before the first visitor: a first command that timed out
    // while its connection warmed up would leave it in its fail-open fallback for a moment.
    for (const instance of pool.instances) {
      await waitFor(async () => {
        const body = await instance.probe.status();
        return body.status === 'ok' && body.sessions.accepting && body.rateLimit?.counting === 'redis';
      }, 20_000, 100);
    }
    balancer = await HaproxyBalancer.start(pool.instances.map(({ name, port }) => ({ name, port })));
    load = new ConversationLoad(balancer.url, pool, undefined, visitor);
  }, 150_000);

  afterAll(async () => {
    load?.terminateAll();
    for (const client of others) client.terminate();
    await inspector?.close();
    await balancer?.stop();
    await pool?.stop();
    await redis?.stop();
  }, 60_000);

  const byInstance = (conversations: Conversation[]) => pool.instances.map((instance) => conversations.filter(({ call }) => pool.instanceOf(call) === instance).length);
  const live = () => load.conversations.filter(({ client }) => client.open && !client.leaving);
  const status = (instance: Instance) => instance.probe.status();

  /** One new conversation through the balancer, start to verdict; an admitted one is stopped again. */
  async function attempt(options: LoadClientOptions = visitor()): Promise<Attempt> {
    const at = performance.now();
    let client: LoadClient;
    try {
      client = await LoadClient.open(balancer.url, { ...options, openTimeoutMs: 5_000 });
    } catch (error) {
      return { at, admitted: false, detail: `HTTP ${(error as { status?: number }).status ?? (error as Error).message}` };
    }
    const offer = uniqueOffer();
    const reply = client.next(['session.started', 'error'], 10_000).catch((error: Error) => ({ type: 'error', code: error.message }));
    client.send({ type: 'session.start', sdp: offer });
    const message = await reply;
    if (message.type !== 'session.started') {
      client.terminate();
      // A refusal at the gate can arrive with the upgrade itself, before `next` listened.
      return { at, admitted: false, detail: String(client.errors[0]?.code ?? message.code) };
    }
    const call = [...pool.calls.values()].find((candidate) => candidate.offer === offer);
    await client.stop();
    return { at, admitted: true, detail: call ? pool.instanceOf(call).name : 'no call at any fake' };
  }

  /** Ledger (Redis, as /status reports it) and what the browsers were told, with every conversation paused. */
  async function spendFigures(): Promise<{ ledgerUsd: number; toldUsd: number; foreignHolds: string[] }> {
    await load.halt();
    await sleep(2_500); // the last turns answered and metered, queued charges flushed (1 s poll)
    const [body, holds] = await Promise.all([status(pool.instances[0]), inspector.holds()]);
    const running = new Set([...load.conversations.map(({ client }) => client), ...others].filter((client) => client.open).map((client) => client.sessionId));
    const clients = [...load.conversations.map(({ client }) => client), ...others];
    return {
      ledgerUsd: body.sessions.hourlySpendUsd ?? NaN,
      toldUsd: clients.reduce((sum, client) => sum + client.lastCostUsd, 0),
      foreignHolds: [...holds.keys()].filter((id) => !running.has(id)),
    };
  }

  it('spreads conversations over the three instances, each call created where the balancer sent it', async () => {
    expect({ opened: await load.open(CONVERSATIONS, 6), failures: load.openFailures }).toEqual({ opened: CONVERSATIONS, failures: [] });
    load.drive();
    const spread = byInstance(load.conversations);
    console.log(`conversations per instance behind the balancer (leastconn): ${spread.join(' / ')}`);
    for (const count of spread) expect(count).toBeGreaterThanOrEqual(CONVERSATIONS / INSTANCES / 2);
    const reported = await Promise.all(pool.instances.map(async (instance) => (await status(instance)).conversations.active));
    expect(reported).toEqual(spread);
    await sleep(2_000);
    expect(load.received('cost.updated')).toBeGreaterThan(0);
    expect(load.unexpected()).toEqual([]);
  });

  it("limits the client's address exactly across instances, not the balancer's, whatever X-Forwarded-For it sends", async () => {
    const [a, b, forger] = [freshAddress(), freshAddress(), freshAddress()];
    const burst = (localAddress: string, forge = false) =>
      Promise.all(Array.from({ length: PAGE_LIMIT * 3 }, () => get(`${balancer.url}/`, { localAddress, headers: forge ? { 'X-Forwarded-For': randomIpv4() } : {} })));
    const before = await Promise.all(pool.instances.map(async ({ probe }) => probe.metric('rate_limit_exceeded_total', { route: 'main_page' })));
    const [fromA, fromB, fromForger] = await Promise.all([burst(a), burst(b), burst(forger, true)]);
    for (const replies of [fromA, fromB, fromForger]) {
      expect(replies.filter(({ status }) => status === 200)).toHaveLength(PAGE_LIMIT);
      expect(replies.filter(({ status }) => status === 429)).toHaveLength(PAGE_LIMIT * 2);
    }
    const refusedPer = await Promise.all(pool.instances.map(async ({ probe }, i) => (await probe.metric('rate_limit_exceeded_total', { route: 'main_page' })) - before[i]));
    console.log(`GET / refusals per instance for 3 clients × ${PAGE_LIMIT * 3} requests: ${refusedPer.join(' / ')}`);
    expect(refusedPer.reduce((sum, n) => sum + n, 0)).toBe(PAGE_LIMIT * 2 * 3);

    // The WebSocket connect limit, likewise: one address, fresh users, WS_LIMIT + 4 sockets at
    // once. Sockets stay open, so leastconn spreads them: the balancer's count of open
    // connections per instance shows the admitted ones on several instances, one shared limit.
    const openBefore = await balancer.servers();
    const address = freshAddress();
    const sockets = await Promise.all(
      Array.from({ length: WS_LIMIT + 4 }, (_, i) => LoadClient.open(balancer.url, { localAddress: address, headers: { Authorization: `Bearer ${tokenFor(`ws-${i}`)}` } })),
    );
    await sleep(1_000);
    const refused = sockets.filter((socket) => socket.errors.some(({ code }) => code === 'rate_limited'));
    expect(refused).toHaveLength(4);
    for (const socket of refused) expect(socket.closed?.code).toBe(1013);
    expect(sockets.filter((socket) => socket.open)).toHaveLength(WS_LIMIT);
    const openAfter = await balancer.servers();
    const admittedPer = pool.instances.map(({ name }) => openAfter.get(name)!.current - openBefore.get(name)!.current);
    console.log(`/session connects admitted per instance for one client, ${WS_LIMIT + 4} at once: ${admittedPer.join(' / ')}`);
    expect(admittedPer.reduce((sum, n) => sum + n, 0)).toBe(WS_LIMIT);
    expect(admittedPer.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
    for (const socket of sockets) socket.close();
  });

  it('a revocation on one instance ends the calls of that token on all three within seconds; the rest go on', async () => {
    const claims = claimsAt(Date.now(), { sub: 'shared-user', jti: 'shared-token' });
    const token = hs256(claims);
    const holders = new ConversationLoad(balancer.url, pool, undefined, () => ({ localAddress: freshAddress(), headers: { Authorization: `Bearer ${token}` } }));
    // leastconn sends each newcomer to the emptiest instance: a few cover all three.
    while (new Set(holders.conversations.map(({ call }) => pool.instanceOf(call))).size < INSTANCES) {
      expect(holders.size).toBeLessThan(WS_LIMIT);
      holders.conversations.push(await holders.openOne());
    }
    others.push(...holders.conversations.map(({ client }) => client));

    const sent = performance.now();
    const reply = await postJson(`${pool.instances[0].url}/admin/tokens/revoke`, { jti: 'shared-token', exp: claims.exp }, { bearer: ADMIN_TOKEN, localAddress: freshAddress() });
    expect(reply.status).toBe(200);
    await waitFor(() => holders.conversations.every(({ client }) => client.closed), 8_000, 20);
    const ms = performance.now() - sent;
    console.log(`revocation on ${pool.instances[0].name}: ${holders.size} calls on ${INSTANCES} instances ended in ${Math.round(ms)} ms`);
    expect(holders.conversations.map(({ client }) => client.endedReason)).toEqual(Array(holders.size).fill('revoked'));
    await waitFor(() => holders.conversations.every(({ call }) => call.endedBy === 'hangup'), 5_000);
    expect(load.unexpected()).toEqual([]);
    expect(live()).toHaveLength(CONVERSATIONS);
  });

  it('rolling restart: readiness goes 503 first, the balancer stops sending it visitors, its calls end shutdown and reconnect elsewhere, nothing counted twice or lost; then it takes visitors again', async () => {
    const target = pool.instances[1];
    const targetName = target.name;
    const onTarget = load.conversations.filter(({ client, call }) => client.open && pool.instanceOf(call) === target);
    expect(onTarget.length).toBeGreaterThan(0);
    // Its conversations keep their calls but stop talking, so no usage is in flight at the cut
    // and the spend can be compared to the cent; the other two instances talk throughout.
    for (const conversation of onTarget) conversation.muted = true;

    // A visitor who has used 3 of its WS_LIMIT connects before the roll must have exactly the rest after it.
    const regular = freshAddress();
    const connect = async (i: number) => {
      const socket = await LoadClient.open(balancer.url, { localAddress: regular, headers: { Authorization: `Bearer ${tokenFor(`regular-${i}-${Date.now()}`)}` } });
      await Promise.race([socket.closedPromise, sleep(1_000)]);
      const refused = socket.errors.some(({ code }) => code === 'rate_limited');
      socket.close();
      return refused;
    };
    expect(await Promise.all([0, 1, 2].map(connect))).toEqual([false, false, false]);

    const before = await spendFigures();
    load.drive();
    expect(before.ledgerUsd).toBeCloseTo(before.toldUsd, 4);
    expect(before.foreignHolds).toEqual([]);

    const retriesBefore = await balancer.retries();
    // New visitors all along, one every 150 ms, as pages that (re)connect.
    const attempts: Attempt[] = [];
    let visiting = true;
    const visitors = (async () => {
      while (visiting) {
        const started = performance.now();
        attempts.push(await attempt());
        await sleep(Math.max(0, 150 - (performance.now() - started)));
      }
    })();
    // The target's readiness, asked directly, and the balancer's view of it: first failed check, then down.
    let unreadyAt = 0;
    let noticedAt = 0;
    let downAt = 0;
    let watching = true;
    const watchers = Promise.all([
      (async () => {
        while (watching && !unreadyAt) {
          const response = await fetch(`${target.url}/readyz`).catch(() => undefined);
          if (response && response.status === 503) unreadyAt = performance.now();
          await sleep(10);
        }
      })(),
      (async () => {
        const deadline = performance.now() + 30_000;
        while (!downAt && performance.now() < deadline) {
          const state = (await balancer.states()).get(targetName) ?? '';
          if (state !== 'UP' && !noticedAt) noticedAt = performance.now();
          if (state.startsWith('DOWN')) downAt = performance.now();
          await sleep(20);
        }
      })(),
    ]);
    await sleep(1_500);

    for (const { client } of onTarget) client.leaving = true; // the end is expected from here on
    const signalled = performance.now();
    target.process.child.kill('SIGTERM');
    const exitCode = await target.process.exited;
    const exitedAt = performance.now();
    watching = false;
    await watchers;
    expect(noticedAt).toBeGreaterThan(signalled);

    expect(exitCode).toBe(0);
    expect(unreadyAt).toBeGreaterThan(signalled);
    expect(unreadyAt).toBeLessThan(exitedAt);
    expect(downAt).toBeGreaterThan(0);
    expect(onTarget.map(({ client }) => client.endedReason)).toEqual(Array(onTarget.length).fill('shutdown'));
    expect(onTarget.map(({ client }) => client.closed?.code)).toEqual(Array(onTarget.length).fill(1000));
    expect(onTarget.filter(({ call }) => call.endedBy !== 'hangup')).toEqual([]);

    // Each page connects again, through the balancer: another instance takes it.
    const reconnected: Conversation[] = [];
    for (let i = 0; i < onTarget.length; i++) reconnected.push(await load.openOne());
    load.conversations.push(...reconnected);
    expect(reconnected.filter(({ call }) => pool.instanceOf(call) === target)).toEqual([]);

    // It comes back on its port; the balancer sees it ready and sends it the next newcomers.
    const relaunchedAt = performance.now();
    await pool.launch(target);
    await waitFor(async () => (await balancer.states()).get(targetName) === 'UP', 15_000, 50);
    const upAt = performance.now();
    visiting = false;
    await visitors;
    const retriesAfter = await balancer.retries();
    const newcomers: Conversation[] = [];
    for (let i = 0; i < 4; i++) newcomers.push(await load.openOne());
    load.conversations.push(...newcomers);
    expect(newcomers.filter(({ call }) => pool.instanceOf(call) === target).length).toBeGreaterThanOrEqual(3);

    // Refusals while it rolled: how many, and the longest stretch without an admission.
    const during = attempts.filter(({ at }) => at >= signalled - 1_000);
    const refused = during.filter(({ admitted }) => !admitted);
    // From the signal until it was back, no newcomer was created on the draining instance.
    expect(attempts.filter(({ at, admitted, detail }) => admitted && at >= signalled && at < relaunchedAt && detail === targetName)).toEqual([]);
    let longest = 0;
    let streakFrom: number | undefined;
    for (const { at, admitted } of during) {
      if (!admitted) streakFrom ??= at;
      else if (streakFrom !== undefined) {
        longest = Math.max(longest, at - streakFrom);
        streakFrom = undefined;
      }
    }
    if (streakFrom !== undefined) longest = Math.max(longest, upAt - streakFrom);

    // The limits and the spend: the regular visitor has exactly WS_LIMIT - 3 connects left.
    const after = await spendFigures();
    load.drive();
    const left = await Promise.all(Array.from({ length: WS_LIMIT - 3 + 2 }, (_, i) => connect(10 + i)));
    expect(left.filter((wasRefused) => !wasRefused)).toHaveLength(WS_LIMIT - 3);

    console.log(
      [
        `rolling restart of ${targetName} with ${onTarget.length} of ${live().length} conversations on it:`,
        `  SIGTERM → /readyz 503: ${Math.round(unreadyAt - signalled)} ms; → first failed check at HAProxy: ${Math.round(noticedAt - signalled)} ms; → marked DOWN: ${Math.round(downAt - signalled)} ms; → exit (code ${exitCode}): ${Math.round(exitedAt - signalled)} ms; unready → exit ${Math.round(exitedAt - unreadyAt)} ms`,
        `  relaunch → UP at the balancer: ${Math.round(upAt - relaunchedAt)} ms; newcomers on it afterwards: ${newcomers.filter(({ call }) => pool.instanceOf(call) === target).length} of ${newcomers.length}`,
        `  new sessions tried during the roll: ${during.length}, refused ${refused.length}${refused.length ? ` (${[...new Set(refused.map(({ detail }) => detail))].join(', ')})` : ''}, longest stretch without an admission ${Math.round(longest)} ms; HAProxy retried ${retriesAfter.retries - retriesBefore.retries} upgrade(s), ${retriesAfter.redispatches - retriesBefore.redispatches} on another instance`,
        `  spend (ledger / told to browsers): before $${before.ledgerUsd.toFixed(6)} / $${before.toldUsd.toFixed(6)}, after $${after.ledgerUsd.toFixed(6)} / $${after.toldUsd.toFixed(6)}`,
        `  conversations per instance now: ${byInstance(live()).join(' / ')}`,
      ].join('\n'),
    );
    expect(exitedAt - signalled).toBeLessThan(10_000);
    expect(longest).toBeLessThan(3_000);
    expect(after.ledgerUsd).toBeGreaterThan(before.ledgerUsd);
    expect(after.ledgerUsd).toBeCloseTo(after.toldUsd, 4);
    expect(after.foreignHolds).toEqual([]);
    expect(load.unexpected()).toEqual([]);
  }, 120_000);

  it('Redis killed and restarted under the balancer: every instance serves, refuses new conversations fast, keeps the running ones; all admit again', async () => {
    // Should the roll above have failed before the instance came back, the rest still runs on three.
    for (const instance of pool.instances) if (instance.process.child.exitCode !== null || instance.process.child.signalCode !== null) await pool.launch(instance);
    const callsBefore = pool.calls.size;
    const costBefore = load.received('cost.updated');
    await redis.kill();
    try {
      for (const instance of pool.instances) {
        const body = await waitFor(async () => {
          const current = await status(instance);
          return current.sessions.accepting === false && current.rateLimit?.counting === 'memory-fallback' ? current : undefined;
        }, 8_000);
        expect(body.sessions).toMatchObject({ accepting: false, reason: 'ledger_unavailable', retryAfterSec: 5 });
        // A shared outage is not a reason to take an instance out: readiness stays 200.
        expect(body.readiness).toEqual({ ready: true });
        expect((await fetch(`${instance.url}/readyz`)).status).toBe(200);
      }
      expect([...(await balancer.states()).values()]).toEqual(Array(INSTANCES).fill('UP'));
      // Through the balancer: the page is served, new conversations are refused with a retry hint.
      expect((await get(`${balancer.url}/`, { localAddress: freshAddress() })).status).toBe(200);
      for (let i = 0; i < INSTANCES; i++) {
        const refusal = await attempt();
        expect(refusal).toMatchObject({ admitted: false, detail: 'upstream_error' });
      }
      expect(pool.calls.size).toBe(callsBefore);
      await sleep(2_500);
      expect(load.received('cost.updated')).toBeGreaterThan(costBefore);
      expect(load.unexpected()).toEqual([]);
    } finally {
      await redis.launch();
    }
    const back = performance.now();
    for (const instance of pool.instances) {
      await waitFor(async () => {
        const current = await status(instance);
        return current.sessions.accepting && current.rateLimit?.counting === 'redis';
      }, 10_000, 100);
    }
    const admitted = await waitFor(async () => (await attempt()).admitted, 10_000, 100);
    console.log(`Redis restarted under the balancer: every instance accepting again and a conversation admitted ${Math.round(performance.now() - back)} ms after Redis was back`);
    expect(admitted).toBe(true);
    expect(load.unexpected()).toEqual([]);
  }, 90_000);

  it('the hourly cap holds on every instance: past it, newcomers are refused whichever instance they reach; running calls go on', async () => {
    const running = live().length;
    const spent = (await status(pool.instances[0])).sessions.hourlySpendUsd ?? 0;
    const [pusher] = live().filter(({ call }) => pool.instanceOf(call) === pool.instances[0]);
    pusher.call.speak('A long answer.', responseUsage({ audioOut: Math.ceil((HOURLY_CAP_USD - spent + 1) / AUDIO_OUT_USD) }));
    for (const instance of pool.instances) {
      await waitFor(async () => (await status(instance)).sessions.reason === 'hourly_cap', 8_000, 100).catch(async (error: Error) => {
        throw new Error(`${error.message}: ${instance.name} ${JSON.stringify((await status(instance)).sessions)} spent before ${spent}, pusher ${pusher.client.sessionId} cost ${pusher.client.lastCostUsd} open ${pusher.client.open}`);
      });
    }
    const callsBefore = pool.calls.size;
    for (let i = 0; i < INSTANCES * 2; i++) expect(await attempt()).toMatchObject({ admitted: false, detail: 'hourly_cap' });
    expect(pool.calls.size).toBe(callsBefore);
    expect(live()).toHaveLength(running);
    expect(load.unexpected()).toEqual([]);
  });

  it('the breaker holds on every instance: at the threshold every call on all three is hung up and newcomers are refused', async () => {
    const spent = (await status(pool.instances[0])).sessions.hourlySpendUsd ?? 0;
    const running = live();
    for (const { client } of running) client.leaving = true;
    const [pusher] = running.filter(({ call }) => pool.instanceOf(call) === pool.instances[2]);
    pusher.call.speak('An even longer answer.', responseUsage({ audioOut: Math.ceil((BREAKER_USD - spent + 1) / AUDIO_OUT_USD) }));
    await waitFor(() => running.every(({ client }) => client.closed), 10_000, 50);
    expect(new Set(running.map(({ client }) => client.endedReason))).toEqual(new Set(['circuit_breaker']));
    expect(byInstance(running).every((count) => count > 0)).toBe(true);
    await waitFor(() => running.every(({ call }) => call.endedBy === 'hangup'), 5_000);
    for (let i = 0; i < INSTANCES; i++) expect(await attempt()).toMatchObject({ admitted: false, detail: 'circuit_open' });
    const opened = await Promise.all(pool.instances.map(({ probe }) => probe.metrics()));
    expect(opened.map((samples) => sumOf(samples, 'ducke_sessions_active'))).toEqual(Array(INSTANCES).fill(0));
  });
});
