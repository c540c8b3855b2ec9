// The cost module through two real app instances sharing one real redis-server: one ledger,
// one hourly cap, one breaker for both, and fail-closed admission while Redis is gone.
import { sleep, waitFor } from '../support/ports';
import { RedisServer } from '../support/redis-server';
import { identity, sessionsStatus, startCostApp, usageCosting, type CostApp } from './cost-app';

describe('cost protection shared through Redis (two real app instances)', () => {
  let redis: RedisServer;
  let apps: CostApp[] = [];

  const startPair = async (env: Record<string, string>) => {
    const shared = { REDIS_URL: redis.url, ...env };
    apps = [await startCostApp(shared), await startCostApp(shared)];
    return apps as [CostApp, CostApp];
  };

  beforeAll(async () => (redis = await RedisServer.start()));
  afterAll(() => redis.stop());
  beforeEach(async () => {
    if (!redis.pid) await redis.launch();
    await redis.command('FLUSHALL');
  });
  afterEach(async () => {
    await Promise.all(apps.map((app) => app.close()));
    apps = [];
  });

  it('a breaker opened by spend on instance A ends the calls on instance B within a few seconds, and B refuses new ones', async () => {
    const [a, b] = await startPair({
      COST_PROTECTION_MAX_TOTAL_COST_PER_HOUR_USD: '0.01',
      COST_PROTECTION_CIRCUIT_BREAKER_THRESHOLD_USD: '0.02',
      COST_PROTECTION_CIRCUIT_BREAKER_RESET_MINUTES: '0.5',
      COST_PROTECTION_SESSION_RESERVATION_USD: '0.001',
    });
    expect(await a.cost.admit('a1', identity(1))).toEqual({ admitted: true });
    expect(await b.cost.admit('b1', identity(2))).toEqual({ admitted: true });
    a.cost.started('a1');
    b.cost.started('b1');

    const openedAt = Date.now();
    expect(await a.cost.recordResponseUsage('a1', 'gpt-realtime-2', 'resp_a', usageCosting(0.024))).toMatchObject({ end: true, reason: 'circuit_breaker' });
    const onB = await waitFor(() => b.events.find((event) => event.kind === 'end' && event.sessionId === '*'), 6_000);
    expect(onB).toMatchObject({ reason: 'circuit_breaker' });
    expect(onB.at - openedAt).toBeLessThan(5_000);

    expect(await b.cost.admit('b2', identity(3))).toMatchObject({ admitted: false, code: 'circuit_open', retryAfterSec: expect.any(Number) });
    // B's usage still in flight is told to end as well.
    expect(await b.cost.recordResponseUsage('b1', 'gpt-realtime-2', 'resp_b', usageCosting(0.000024))).toMatchObject({ end: true, reason: 'circuit_breaker' });
    const status = await sessionsStatus(b.url);
    expect(status).toMatchObject({ code: 200, sessions: { accepting: false, reason: 'circuit_open', breakerOpen: true, hourlySpendUsd: 0.024024 } });
  });

  it('40 concurrent admissions over two instances never reserve past a small hourly cap', async () => {
    const [a, b] = await startPair({ COST_PROTECTION_MAX_TOTAL_COST_PER_HOUR_USD: '1.00', COST_PROTECTION_SESSION_RESERVATION_USD: '0.30' });
    const decisions = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).cost.admit(`s${i}`, identity(i))),
    );
    const admitted = decisions.filter((decision) => decision.admitted);
    expect(admitted).toHaveLength(3);
    expect(decisions.filter((decision) => !decision.admitted).every((decision) => !decision.admitted && decision.code === 'hourly_cap')).toBe(true);
    expect(await sessionsStatus(a.url)).toMatchObject({ sessions: { reservedUsd: 0.9, accepting: false } });
    // Reservations carry a TTL in Redis: a crashed instance would leak nothing.
    expect(Number((await redis.command('PTTL ducke:cost:holds:amounts')).slice(1))).toBeGreaterThan(0);
    await Promise.all(decisions.map((_, i) => (i % 2 === 0 ? a : b).cost.release(`s${i}`)));
    expect(await sessionsStatus(b.url)).toMatchObject({ sessions: { reservedUsd: 0, accepting: true } });
  });

  it('refuses hourly_cap on both instances with retryAfterSec and admits again when the window has rolled', async () => {
    const [a, b] = await startPair({
      COST_PROTECTION_SPEND_WINDOW_MINUTES: '0.05', // 3 s
      COST_PROTECTION_MAX_TOTAL_COST_PER_HOUR_USD: '0.01',
      COST_PROTECTION_SESSION_RESERVATION_USD: '0.003',
    });
    await a.cost.admit('a1', identity(1));
    await a.cost.recordResponseUsage('a1', 'gpt-realtime-2', 'resp_1', usageCosting(0.012));
    await a.cost.release('a1');
    const refused = await b.cost.admit('b1', identity(2));
    expect(refused).toMatchObject({ admitted: false, code: 'hourly_cap' });
    expect(refused.admitted === false && refused.retryAfterSec).toBeGreaterThanOrEqual(1);
    expect(refused.admitted === false && refused.retryAfterSec).toBeLessThanOrEqual(4);
    await waitFor(async () => (await b.cost.admit('b2', identity(3))).admitted, 6_000, 100);
  });

  it('fails closed while Redis is gone (fast refusal, /status 200), loses no spend, and admits again within 5 s of its return', async () => {
    const [a] = await startPair({ COST_PROTECTION_SESSION_RESERVATION_USD: '0.10' });
    expect(await a.cost.admit('live', identity(1))).toEqual({ admitted: true });
    a.cost.started('live');

    await redis.kill();
    await sleep(100);
    const askedAt = Date.now();
    const refused = await a.cost.admit('during', identity(2));
    expect(Date.now() - askedAt).toBeLessThan(1_000); // the 250 ms command timeout, not a hang
    expect(refused).toMatchObject({ admitted: false, code: 'upstream_error', retryAfterSec: 5 });
    expect(await sessionsStatus(a.url)).toMatchObject({ code: 200, sessions: { accepting: false, reason: 'ledger_unavailable' } });
    // The running call goes on and is still metered: the charge waits for the ledger.
    expect(await a.cost.recordResponseUsage('live', 'gpt-realtime-2', 'resp_1', usageCosting(0.012))).toEqual({
      end: false,
      update: { sessionCostUsd: 0.012, budgetUsd: 5 },
    });

    await redis.launch();
    const backAt = Date.now();
    await waitFor(async () => (await a.cost.admit('after', identity(3))).admitted, 5_000, 100);
    expect(Date.now() - backAt).toBeLessThan(5_000);
    // The queued charge reaches the shared window (Redis lost everything else: no persistence).
    await waitFor(async () => (await sessionsStatus(a.url)).sessions.hourlySpendUsd === 0.012, 3_000);

    await a.cost.release('live');
    await a.cost.release('after');
    await a.cost.release('after');
    const { sessions } = await sessionsStatus(a.url);
    expect(sessions).toMatchObject({ accepting: true, reservedUsd: 0 });
  });
});
