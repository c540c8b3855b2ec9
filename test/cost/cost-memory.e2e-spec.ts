// The cost module through the real app (AppModule + configureApp), in-memory state: the
// SESSION_COST port exactly as the realtime gateway uses it, /status over HTTP, and the
// process-wide Prometheus registry. Money and windows are scaled down through the environment.
import { register } from 'prom-client';
import { sleep, waitFor } from '../support/ports';
import { identity, sessionsStatus, startCostApp, usageCosting, type CostApp } from './cost-app';

const metricValue = async (name: string, labels: Record<string, string> = {}) => {
  const metric = register.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values.filter((value) => Object.entries(labels).every(([key, expected]) => value.labels[key] === expected)).reduce((sum, value) => sum + value.value, 0);
};

describe('cost protection in memory (real app)', () => {
  let app: CostApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('refuses hourly_cap with retryAfterSec once the window is spent, keeps /status 200, and admits again when the window has rolled', async () => {
    app = await startCostApp({
      COST_PROTECTION_SPEND_WINDOW_MINUTES: '0.05', // a 3 s "hour"
      COST_PROTECTION_MAX_TOTAL_COST_PER_HOUR_USD: '0.01',
      COST_PROTECTION_SESSION_RESERVATION_USD: '0.003',
    });
    const { cost } = app;
    expect(await cost.admit('s1', identity(1))).toEqual({ admitted: true });
    const verdict = await cost.recordResponseUsage('s1', 'gpt-realtime-2', 'resp_1', usageCosting(0.012));
    expect(verdict).toEqual({ end: false, update: { sessionCostUsd: 0.012, budgetUsd: 5 } });
    const spentAt = Date.now();
    await cost.release('s1');

    const refused = await cost.admit('s2', identity(2));
    expect(refused).toMatchObject({ admitted: false, code: 'hourly_cap' });
    const retryAfterSec = refused.admitted ? 0 : refused.retryAfterSec!;
    expect(retryAfterSec).toBeGreaterThanOrEqual(1);
    expect(retryAfterSec).toBeLessThanOrEqual(4);
    expect(await sessionsStatus(app.url)).toMatchObject({ code: 200, sessions: { accepting: false, reason: 'hourly_cap', hourlySpendUsd: 0.012 } });

    // No traffic but time: the same service accepts again once the spend has left the window.
    await waitFor(async () => (await cost.admit('s3', identity(3))).admitted, 6_000, 100);
    const recoveredAfterMs = Date.now() - spentAt;
    expect(recoveredAfterMs).toBeGreaterThanOrEqual(2_900);
    expect(recoveredAfterMs).toBeLessThanOrEqual(retryAfterSec * 1000 + 1_500);
    expect(await sessionsStatus(app.url)).toMatchObject({ code: 200, sessions: { accepting: true, hourlySpendUsd: 0 } });
  });

  it('admits no more concurrent sessions than the reservations allow under the hourly cap', async () => {
    app = await startCostApp({ COST_PROTECTION_MAX_TOTAL_COST_PER_HOUR_USD: '1.00', COST_PROTECTION_SESSION_RESERVATION_USD: '0.30' });
    const cost = app.cost;
    const decisions = await Promise.all(Array.from({ length: 40 }, (_, i) => cost.admit(`s${i}`, identity(i))));
    expect(decisions.filter((decision) => decision.admitted)).toHaveLength(3);
    expect(await sessionsStatus(app.url)).toMatchObject({ code: 200, sessions: { accepting: false, reason: 'hourly_cap', reservedUsd: 0.9 } });
    await Promise.all(decisions.map((_, i) => cost.release(`s${i}`)));
    expect(await sessionsStatus(app.url)).toMatchObject({ sessions: { accepting: true, reservedUsd: 0 } });
  });

  it('ends a session at its duration limit within 0.5 s, after a warning update', async () => {
    app = await startCostApp({ COST_PROTECTION_MAX_SESSION_DURATION_MINUTES: '0.025' }); // 1.5 s
    expect(app.cost.limits()).toEqual({ maxCostUsd: 5, maxDurationSec: 2 });
    await app.cost.admit('s1', identity(1));
    app.cost.started('s1');
    const startedAt = Date.now();
    const end = await waitFor(() => app!.events.find((event) => event.kind === 'end'), 5_000);
    expect(end).toMatchObject({ kind: 'end', sessionId: 's1', reason: 'duration_exceeded' });
    expect(end.at - startedAt).toBeGreaterThanOrEqual(1_500);
    expect(end.at - startedAt).toBeLessThanOrEqual(3_500);
    // The whole limit is under a minute, so the warning came at once, before the end.
    expect(app.events[0]).toMatchObject({ kind: 'update', sessionId: 's1', update: { secondsLeft: expect.any(Number) } });
    await app.cost.release('s1');
  });

  it('opens the breaker on spend: ends every running call, refuses new ones, /status stays 200, and it all recovers by itself', async () => {
    app = await startCostApp({
      COST_PROTECTION_SPEND_WINDOW_MINUTES: '0.05', // 3 s
      COST_PROTECTION_MAX_TOTAL_COST_PER_HOUR_USD: '0.01',
      COST_PROTECTION_CIRCUIT_BREAKER_THRESHOLD_USD: '0.02',
      COST_PROTECTION_CIRCUIT_BREAKER_RESET_MINUTES: '0.03', // 1.8 s
      COST_PROTECTION_SESSION_RESERVATION_USD: '0.001',
    });
    const { cost } = app;
    const activationsBefore = await metricValue('ducke_circuit_breaker_activations_total');
    await cost.admit('s1', identity(1));
    await cost.admit('s2', identity(2));
    cost.started('s1');
    cost.started('s2');

    const verdict = await cost.recordResponseUsage('s1', 'gpt-realtime-2', 'resp_1', usageCosting(0.024));
    expect(verdict).toMatchObject({ end: true, reason: 'circuit_breaker' });
    await waitFor(() => app!.events.find((event) => event.kind === 'end' && event.sessionId === '*'), 2_000);
    expect(app.events.filter((event) => event.sessionId === '*')).toEqual([expect.objectContaining({ kind: 'end', reason: 'circuit_breaker' })]);
    expect(await metricValue('ducke_circuit_breaker_activations_total')).toBe(activationsBefore + 1);
    expect(await metricValue('ducke_circuit_breaker_open')).toBe(1);

    const refused = await cost.admit('s3', identity(3));
    expect(refused).toMatchObject({ admitted: false, code: 'circuit_open', retryAfterSec: 2 });
    const during = await sessionsStatus(app.url);
    expect(during).toMatchObject({ code: 200, status: 'degraded', sessions: { accepting: false, reason: 'circuit_open', breakerOpen: true } });
    await cost.release('s1');
    await cost.release('s2');

    await waitFor(async () => (await cost.admit('s4', identity(4))).admitted, 6_000, 100);
    expect(await sessionsStatus(app.url)).toMatchObject({ code: 200, status: 'ok', sessions: { accepting: true, breakerOpen: false } });
    expect(await metricValue('ducke_circuit_breaker_activations_total')).toBe(activationsBefore + 1);
  });

  it('with COST_PROTECTION_ENABLED=false admits and never ends, but still meters, reports and counts', async () => {
    app = await startCostApp({
      COST_PROTECTION_ENABLED: 'false',
      COST_PROTECTION_MAX_SESSION_COST_USD: '0.01',
      COST_PROTECTION_MAX_TOTAL_COST_PER_HOUR_USD: '0.01',
      COST_PROTECTION_CIRCUIT_BREAKER_THRESHOLD_USD: '0.02',
      COST_PROTECTION_MAX_SESSION_DURATION_MINUTES: '0.01',
    });
    const costBefore = await metricValue('ducke_cost_total_usd', { model: 'gpt-realtime-2' });
    const tokensBefore = await metricValue('ducke_tokens_total', { model: 'gpt-realtime-2', kind: 'text_out' });
    await app.cost.admit('s1', identity(1));
    app.cost.started('s1');
    expect(await app.cost.recordResponseUsage('s1', 'gpt-realtime-2', 'resp_1', usageCosting(0.048))).toEqual({
      end: false,
      update: { sessionCostUsd: 0.048, budgetUsd: 0.01, budgetWarning: true },
    });
    expect(await app.cost.admit('s2', identity(2))).toEqual({ admitted: true });
    await sleep(1_000); // well past the 0.6 s duration
    expect(app.events).toEqual([]);
    expect(await sessionsStatus(app.url)).toMatchObject({ code: 200, status: 'ok', sessions: { accepting: true, enforced: false, hourlySpendUsd: 0.048 } });
    expect(await metricValue('ducke_cost_total_usd', { model: 'gpt-realtime-2' })).toBeCloseTo(costBefore + 0.048, 9);
    expect(await metricValue('ducke_tokens_total', { model: 'gpt-realtime-2', kind: 'text_out' })).toBe(tokensBefore + 2_000);
  });
});
