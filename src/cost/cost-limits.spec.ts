import { Logger } from '@nestjs/common';
import { costHarness, identity, MINUTE, settle, usageCosting, type CostHarness } from '../../test/support/cost-harness';

describe('CostService (the SESSION_COST port): duration, breaker, enforcement off', () => {
  let logs: jest.SpyInstance[];

  beforeEach(() => {
    logs = (['log', 'warn', 'error'] as const).map((level) => jest.spyOn(Logger.prototype, level).mockImplementation(() => undefined));
  });

  afterEach(() => logs.forEach((spy) => spy.mockRestore()));

  describe('the duration limit', () => {
    it('warns one minute before the limit, ends at the limit and repeats the end until release', async () => {
      const h = costHarness({ maxSessionDurationMs: 5 * MINUTE });
      await h.service.admit('s1', identity());
      h.service.started('s1');
      h.clock.advance(4 * MINUTE - 1);
      h.watchdog.check();
      expect(h.events).toEqual([]);

      h.clock.advance(1);
      h.watchdog.check();
      h.watchdog.check();
      expect(h.events).toEqual([{ kind: 'update', sessionId: 's1', update: { sessionCostUsd: 0, budgetUsd: 5, secondsLeft: 60 } }]);
      expect((await h.service.recordResponseUsage('s1', 'gpt-realtime-2', 'r1', usageCosting(24))).update.secondsLeft).toBe(60);

      h.clock.advance(MINUTE);
      h.watchdog.check();
      expect(h.events[1]).toEqual({ kind: 'end', sessionId: 's1', reason: 'duration_exceeded' });
      h.clock.advance(1_000);
      h.watchdog.check();
      expect(h.events).toHaveLength(2);
      h.clock.advance(4_000);
      h.watchdog.check();
      expect(h.events).toHaveLength(3);
      expect(await h.service.recordResponseUsage('s1', 'gpt-realtime-2', 'r2', usageCosting(24))).toMatchObject({ end: true, reason: 'duration_exceeded' });
      expect(await h.metric('ducke_budget_exceeded_total', { reason: 'duration_exceeded' })).toBe(1);

      await h.service.release('s1');
      h.clock.advance(10_000);
      h.watchdog.check();
      expect(h.events).toHaveLength(3);
    });

    it('stops announcing after half a minute when the session is never released, and forgets it', async () => {
      const h = costHarness({ maxSessionDurationMs: 30_000 });
      await h.service.admit('s1', identity());
      h.service.started('s1');
      for (let second = 0; second <= 70; second++) {
        h.watchdog.check();
        h.clock.advance(1_000);
      }
      expect(h.events.filter((event) => event.kind === 'end')).toHaveLength(6);
      expect(h.sessions.size).toBe(0);
    });

    it('warns at once when the whole limit is shorter than a minute', async () => {
      const h = costHarness({ maxSessionDurationMs: 30_000 });
      await h.service.admit('s1', identity());
      h.service.started('s1');
      h.watchdog.check();
      expect(h.events).toEqual([{ kind: 'update', sessionId: 's1', update: { sessionCostUsd: 0, budgetUsd: 5, secondsLeft: 30 } }]);
      expect(h.service.limits()).toEqual({ maxCostUsd: 5, maxDurationSec: 30 });
    });
  });

  describe('the circuit breaker', () => {
    const breakerConfig = { breakerThresholdUsd: 2, maxHourlyCostUsd: 10, breakerResetMs: 30 * MINUTE };

    it('opens at the threshold, ends every running call, refuses new sessions and closes by itself after the reset time', async () => {
      const h = costHarness(breakerConfig);
      const stop = h.breaker.listen();
      await h.service.admit('s1', identity(1));
      await h.service.admit('s2', identity(2));
      h.service.started('s1');
      h.service.started('s2');

      const crossing = await h.service.recordResponseUsage('s1', 'gpt-realtime-2', 'r1', usageCosting(2_000_016));
      expect(crossing).toMatchObject({ end: true, reason: 'circuit_breaker' });
      await settle();
      expect(h.events).toEqual([{ kind: 'end', sessionId: '*', reason: 'circuit_breaker' }]);
      expect(await h.metric('ducke_circuit_breaker_activations_total')).toBe(1);
      expect(await h.metric('ducke_circuit_breaker_open')).toBe(1);
      expect(await h.metric('ducke_budget_exceeded_total', { reason: 'circuit_breaker' })).toBe(2);
      expect(await h.service.recordResponseUsage('s2', 'gpt-realtime-2', 'r2', usageCosting(24))).toMatchObject({ end: true, reason: 'circuit_breaker' });
      expect(await h.service.admit('s3', identity(3))).toMatchObject({ admitted: false, code: 'circuit_open', retryAfterSec: 1800 });

      await h.service.release('s1');
      await h.service.release('s2');
      h.clock.advance(30 * MINUTE);
      expect(await h.service.admit('s4', identity(4))).toEqual({ admitted: true });
      await h.breaker.poll();
      expect(await h.metric('ducke_circuit_breaker_open')).toBe(0);
      expect(await h.metric('ducke_circuit_breaker_activations_total')).toBe(1);
      stop();
    });

    it('opens exactly once when two instances cross the threshold at the same moment, and both end their calls', async () => {
      const a = costHarness(breakerConfig);
      const b = costHarness(breakerConfig, a);
      const stops = [a.breaker.listen(), b.breaker.listen()];
      await a.service.admit('a1', identity(1));
      await b.service.admit('b1', identity(2));
      await Promise.all([
        a.service.recordResponseUsage('a1', 'gpt-realtime-2', 'ra', usageCosting(1_200_000)),
        b.service.recordResponseUsage('b1', 'gpt-realtime-2', 'rb', usageCosting(1_200_000)),
      ]);
      await settle();
      expect((await a.metric('ducke_circuit_breaker_activations_total')) + (await b.metric('ducke_circuit_breaker_activations_total'))).toBe(1);
      expect(a.events).toEqual([{ kind: 'end', sessionId: '*', reason: 'circuit_breaker' }]);
      expect(b.events).toEqual([{ kind: 'end', sessionId: '*', reason: 'circuit_breaker' }]);
      stops.forEach((stop) => stop());
    });

    it('is picked up by the poll when the announcement is lost, once per opening', async () => {
      const a = costHarness(breakerConfig);
      const b = costHarness(breakerConfig, a); // b never hears the announcement
      await b.service.admit('b1', identity(2));
      await a.service.recordResponseUsage('a1', 'gpt-realtime-2', 'ra', usageCosting(2_400_000));
      expect(b.events).toEqual([]);
      await b.timers.poll();
      await b.timers.poll();
      expect(b.events).toEqual([{ kind: 'end', sessionId: '*', reason: 'circuit_breaker' }]);
      // A session admitted elsewhere that goes live while the breaker is known open is ended too.
      b.service.started('b1');
      await settle();
      expect(b.events[1]).toEqual({ kind: 'end', sessionId: 'b1', reason: 'circuit_breaker' });
    });

    it('keeps /status answering: open breaker → not accepting, with the reset time; never throws when the ledger is down', async () => {
      const h = costHarness({ ...breakerConfig, sessionReservationUsd: 0.5 });
      h.init();
      try {
        expect((await h.status.collect()).sessions).toEqual({
          accepting: true,
          enforced: true,
          hourlySpendUsd: 0,
          hourlyCapUsd: 10,
          breakerThresholdUsd: 2,
          reservedUsd: 0,
          breakerOpen: false,
        });
        await h.service.recordResponseUsage('x', 'gpt-realtime-2', 'r', usageCosting(2_400_000));
        expect((await h.status.collect()).sessions).toMatchObject({
          accepting: false,
          reason: 'circuit_open',
          retryAfterSec: 1800,
          breakerOpen: true,
          hourlySpendUsd: 2.4,
          degraded: expect.stringContaining('circuit breaker open'),
        });
        h.switchable.down = true;
        expect((await h.status.collect()).sessions).toMatchObject({ accepting: false, reason: 'ledger_unavailable', retryAfterSec: 5 });
      } finally {
        h.destroy();
      }
    });
  });

  describe('COST_PROTECTION_ENABLED=false', () => {
    it('admits everything and never ends a session, but still meters, reports and counts', async () => {
      const h: CostHarness = costHarness({ enabled: false, maxHourlyCostUsd: 1, maxSessionCostUsd: 0.01, breakerThresholdUsd: 2, maxSessionDurationMs: MINUTE });
      h.breaker.listen();
      await h.service.admit('s1', identity());
      h.service.started('s1');
      expect(await h.service.recordResponseUsage('s1', 'gpt-realtime-2', 'r1', usageCosting(3_000_000))).toEqual({
        end: false,
        update: { sessionCostUsd: 3, budgetUsd: 0.01, budgetWarning: true },
      });
      expect(await h.ledger.hourlySpend()).toBe(3_000_000);
      expect(await h.service.admit('s2', identity())).toEqual({ admitted: true });
      h.clock.advance(2 * MINUTE);
      h.watchdog.check();
      await settle();
      expect(h.events).toEqual([]);
      expect(await h.metric('ducke_circuit_breaker_activations_total')).toBe(0);
      expect(await h.metric('ducke_cost_total_usd')).toBe(3);
    });
  });
});
