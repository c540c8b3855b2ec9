import { Logger } from '@nestjs/common';
import { costHarness, identity, MINUTE, usageCosting } from '../../test/support/cost-harness';

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
});
