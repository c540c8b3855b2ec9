import { Logger } from '@nestjs/common';
import { costHarness, identity, MINUTE, settle, usageCosting, type CostHarness } from '../../test/support/cost-harness';

describe('CostService (the SESSION_COST port)', () => {
  let logs: jest.SpyInstance[];

  beforeEach(() => {
    logs = (['log', 'warn', 'error'] as const).map((level) => jest.spyOn(Logger.prototype, level).mockImplementation(() => undefined));
  });

  afterEach(() => logs.forEach((spy) => spy.mockRestore()));

  describe('admission and the hourly cap', () => {
    it('refuses hourly_cap once rolling-hour spend reaches the cap, with retryAfterSec, and recovers by time alone', async () => {
      const h = costHarness({ maxHourlyCostUsd: 1, sessionReservationUsd: 0.3 });
      expect(await h.service.admit('s1', identity())).toEqual({ admitted: true });
      await h.service.recordResponseUsage('s1', 'gpt-realtime-2', 'resp_1', usageCosting(1_000_008));
      await h.service.release('s1');

      h.clock.advance(10 * MINUTE);
      const refused = await h.service.admit('s2', identity());
      // The spend is 10 min old; its 1-minute bucket leaves the 60(+1)-bucket window 50 min 40 s
      // from now (ManualClock starts 20 s into a minute).
      expect(refused).toMatchObject({ admitted: false, code: 'hourly_cap', retryAfterSec: 3040 });
      expect(await h.metric('ducke_budget_exceeded_total', { reason: 'hourly_cap' })).toBe(1);

      // No traffic at all in between: the window rolls with the clock (the original locked out forever).
      h.clock.advance(3039 * 1000);
      expect((await h.service.admit('s3', identity())).admitted).toBe(false);
      h.clock.advance(1000);
      expect(await h.service.admit('s4', identity())).toEqual({ admitted: true });
    });

    it('lets concurrent admissions reserve no more than the cap allows', async () => {
      const h = costHarness({ maxHourlyCostUsd: 1, sessionReservationUsd: 0.3 });
      const decisions = await Promise.all(Array.from({ length: 40 }, (_, i) => h.service.admit(`s${i}`, identity(i))));
      expect(decisions.filter((decision) => decision.admitted)).toHaveLength(3);
      expect(await h.ledger.reserved()).toBe(900_000);
      // Refused because running sessions hold the rest: they settle as those sessions end.
      expect(decisions.find((decision) => !decision.admitted)).toMatchObject({ code: 'hourly_cap', retryAfterSec: 30 });
    });

    it('settles reservations against real usage and releases them at the end, never below zero', async () => {
      const h = costHarness({ sessionReservationUsd: 0.5 });
      await h.service.admit('s1', identity());
      expect(await h.ledger.reserved()).toBe(500_000);
      await h.service.recordResponseUsage('s1', 'gpt-realtime-2', 'r1', usageCosting(200_016));
      expect({ held: await h.ledger.reserved(), spent: await h.ledger.hourlySpend() }).toEqual({ held: 299_984, spent: 200_016 });
      await h.service.recordResponseUsage('s1', 'gpt-realtime-2', 'r2', usageCosting(500_016));
      expect(await h.ledger.reserved()).toBe(0);
      await h.service.release('s1');
      await h.service.release('s1');
      expect({ held: await h.ledger.reserved(), spent: await h.ledger.hourlySpend() }).toEqual({ held: 0, spent: 700_032 });
    });

    it('lets a reservation that is never released expire (max duration + margin), and forgets the session', async () => {
      const h = costHarness({ sessionReservationUsd: 0.5, maxSessionDurationMs: 30 * MINUTE });
      await h.service.admit('lost', identity());
      h.clock.advance(35 * MINUTE - 1);
      expect(await h.ledger.reserved()).toBe(500_000);
      h.clock.advance(2);
      expect(await h.ledger.reserved()).toBe(0);
      h.watchdog.check();
      expect(h.sessions.size).toBe(0);
    });

    it('applies a per-user hourly cap when the identity carries a user and the cap is configured', async () => {
      const h = costHarness({ maxUserCostPerHourUsd: 0.5, sessionReservationUsd: 0.3 });
      expect((await h.service.admit('a1', identity(1, 'alice'))).admitted).toBe(true);
      const refused = await h.service.admit('a2', identity(2, 'alice'));
      expect(refused).toMatchObject({ admitted: false, code: 'hourly_cap', retryAfterSec: 30 });
      expect(refused.admitted === false && refused.message).toContain('your hourly spending limit');
      expect((await h.service.admit('b1', identity(3, 'bob'))).admitted).toBe(true);
      expect(await h.metric('ducke_budget_exceeded_total', { reason: 'user_hourly_cap' })).toBe(1);
      // The refused user's hold never stays behind in the shared pool.
      expect(await h.ledger.reserved()).toBe(600_000);

      await h.service.recordResponseUsage('a1', 'gpt-realtime-2', 'r1', usageCosting(500_016));
      await h.service.release('a1');
      h.clock.advance(MINUTE);
      const stillRefused = await h.service.admit('a3', identity(1, 'alice'));
      expect(stillRefused).toMatchObject({ admitted: false, code: 'hourly_cap' });
      expect(stillRefused.admitted === false && stillRefused.retryAfterSec).toBeGreaterThan(59 * 60);
      h.clock.advance(61 * MINUTE);
      expect((await h.service.admit('a4', identity(1, 'alice'))).admitted).toBe(true);
    });

    it('fails closed when the ledger cannot be read, then admits again once it is back', async () => {
      const h = costHarness();
      h.switchable.down = true;
      expect(await h.service.admit('s1', identity())).toMatchObject({ admitted: false, code: 'upstream_error', retryAfterSec: 5 });
      h.switchable.down = false;
      expect(await h.service.admit('s2', identity())).toEqual({ admitted: true });
    });
  });

  describe('metering and the session budget', () => {
    it('reports cost.updated figures after every usage, warns at 80 % and ends the session at its budget', async () => {
      const h = costHarness({ maxSessionCostUsd: 0.01 });
      await h.service.admit('s1', identity());
      h.service.started('s1');

      expect(await h.service.recordResponseUsage('s1', 'gpt-realtime-2', 'r1', usageCosting(7_992))).toEqual({
        end: false,
        update: { sessionCostUsd: 0.007992, budgetUsd: 0.01 },
      });
      expect(await h.service.recordTranscriptionUsage('s1', 'gpt-4o-mini-transcribe', 'item_1', { type: 'tokens', input_tokens: 8, output_tokens: 0, total_tokens: 8 })).toEqual({
        end: false,
        update: { sessionCostUsd: 0.008016, budgetUsd: 0.01, budgetWarning: true },
      });
      const over = await h.service.recordBackendUsage('s1', {
        id: 'resp_ws',
        model: 'gpt-5.4-mini',
        inputTokens: 0,
        cachedInputTokens: 0,
        outputTokens: 0,
        webSearchCalls: 1,
      });
      expect(over).toEqual({ end: true, reason: 'budget_exceeded', update: { sessionCostUsd: 0.018016, budgetUsd: 0.01, budgetWarning: true } });
      // Later usage (already in flight) is still charged and still says end; counted once.
      expect(await h.service.recordResponseUsage('s1', 'gpt-realtime-2', 'r2', usageCosting(24))).toMatchObject({ end: true, reason: 'budget_exceeded' });
      expect(await h.metric('ducke_budget_exceeded_total', { reason: 'budget_exceeded' })).toBe(1);
      expect(await h.ledger.sessionSpend('s1')).toBe(18_040);
    });

    it('counts a response, a transcription and a backend call once, also when a re-attached sideband repeats them', async () => {
      const a = costHarness();
      const b = costHarness({}, a); // another instance on the same store
      await a.service.admit('s1', identity());
      const first = await a.service.recordResponseUsage('s1', 'gpt-realtime-2', 'resp_1', usageCosting(2_400));
      const again = await a.service.recordResponseUsage('s1', 'gpt-realtime-2', 'resp_1', usageCosting(2_400));
      await b.service.recordResponseUsage('s1', 'gpt-realtime-2', 'resp_1', usageCosting(2_400));
      await a.service.recordTranscriptionUsage('s1', 'gpt-4o-mini-transcribe', 'item_1', { type: 'tokens', input_tokens: 8, output_tokens: 0, total_tokens: 8 });
      await b.service.recordTranscriptionUsage('s1', 'gpt-4o-mini-transcribe', 'item_1', { type: 'tokens', input_tokens: 8, output_tokens: 0, total_tokens: 8 });
      const search = { id: 'resp_ws', model: 'gpt-5.4-mini', inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, webSearchCalls: 1 };
      await a.service.recordBackendUsage('s1', search);
      await a.service.recordBackendUsage('s1', search);
      expect(again.update).toEqual(first.update);
      expect(await a.ledger.hourlySpend()).toBe(2_400 + 24 + 10_000);
      // The same id in another session is another event.
      await a.service.recordResponseUsage('s2', 'gpt-realtime-2', 'resp_1', usageCosting(2_400));
      expect(await a.ledger.hourlySpend()).toBe(2 * 2_400 + 24 + 10_000);
      expect(await a.metric('ducke_cost_total_usd', { model: 'gpt-realtime-2' })).toBeCloseTo(0.0048, 9);
      expect(await a.metric('ducke_tokens_total', { model: 'gpt-realtime-2', kind: 'text_out' })).toBe(200);
      expect(await a.metric('ducke_tokens_total', { model: 'gpt-4o-mini-transcribe', kind: 'transcription_in' })).toBe(8);
    });

    it('charges usage that arrives after release (the spend happened) without keeping the session', async () => {
      const h = costHarness();
      await h.service.admit('s1', identity());
      await h.service.release('s1');
      const verdict = await h.service.recordResponseUsage('s1', 'gpt-realtime-2', 'late', usageCosting(2_400));
      expect(verdict.update.sessionCostUsd).toBe(0.0024);
      expect(await h.ledger.hourlySpend()).toBe(2_400);
      expect(h.sessions.size).toBe(0);
    });

    it('keeps metering while the ledger is unreachable: decides from its own tally and writes the charge once it is back', async () => {
      const h = costHarness({ maxSessionCostUsd: 0.01 });
      await h.service.admit('s1', identity());
      h.switchable.down = true;
      expect(await h.service.recordResponseUsage('s1', 'gpt-realtime-2', 'r1', usageCosting(6_000))).toMatchObject({ end: false });
      expect(await h.service.recordResponseUsage('s1', 'gpt-realtime-2', 'r1', usageCosting(6_000))).toMatchObject({ end: false });
      expect(await h.service.recordResponseUsage('s1', 'gpt-realtime-2', 'r2', usageCosting(6_000))).toMatchObject({ end: true, reason: 'budget_exceeded' });
      expect(h.ledger.pendingMicro()).toBe(12_000);
      await h.timers.poll(); // still down: nothing lost, nothing thrown
      expect(h.ledger.pendingMicro()).toBe(12_000);

      h.switchable.down = false;
      await h.timers.poll();
      expect(h.ledger.pendingMicro()).toBe(0);
      expect({ hourly: await h.ledger.hourlySpend(), session: await h.ledger.sessionSpend('s1') }).toEqual({ hourly: 12_000, session: 12_000 });
    });

    it('opens the breaker on spend that reaches the ledger late, once Redis is back', async () => {
      const h = costHarness({ breakerThresholdUsd: 0.01, maxSessionCostUsd: 5 });
      await h.service.admit('s1', identity());
      h.switchable.down = true;
      await h.service.recordResponseUsage('s1', 'gpt-realtime-2', 'r1', usageCosting(12_000));
      expect(await h.metric('ducke_circuit_breaker_activations_total')).toBe(0);
      h.switchable.down = false;
      await h.timers.poll();
      expect(await h.metric('ducke_circuit_breaker_activations_total')).toBe(1);
      expect(h.events).toEqual([{ kind: 'end', sessionId: '*', reason: 'circuit_breaker' }]);
    });
  });

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
