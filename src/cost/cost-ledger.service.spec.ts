import { Logger } from '@nestjs/common';
import fc from 'fast-check';
import { ManualClock } from '../../test/support/manual-clock';
import { MemoryStore } from '../storage/memory.store';
import type { StateStore } from '../storage/state-store';
import { MINUTE, settingsOf } from '../../test/support/cost-harness';
import { CostLedger } from './cost-ledger.service';

/** A memory store presented as a shared one (Redis semantics, in process). */
function asShared(store: MemoryStore): StateStore {
  return new Proxy(store, { get: (target, property, receiver) => (property === 'backend' ? 'redis' : (Reflect.get(target, property, receiver) as unknown)) }) as StateStore;
}

describe('CostLedger', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => (warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined)));
  afterEach(() => warn.mockRestore());

  // Start exactly on a minute boundary so bucket arithmetic is easy to read.
  const ledgerAt = (overrides = {}) => {
    const clock = new ManualClock(28_333_334 * MINUTE);
    return { clock, ledger: new CostLedger(new MemoryStore(clock), settingsOf(overrides), clock) };
  };

  it('rolls spend out of the hour with time alone, with no traffic to trigger it', async () => {
    const { clock, ledger } = ledgerAt();
    await ledger.charge('s1', 700_000);
    clock.advance(30 * MINUTE);
    await ledger.charge('s2', 300_000);
    expect(await ledger.hourlySpend()).toBe(1_000_000);
    clock.advance(31 * MINUTE); // the first charge is now 61 min old
    expect(await ledger.hourlySpend()).toBe(300_000);
    // A session's own spend is kept for as long as a call can last (OpenAI's 60 min + margin).
    expect(await ledger.sessionSpend('s1')).toBe(700_000);
    clock.advance(31 * MINUTE);
    expect(await ledger.hourlySpend()).toBe(0);
  });

  it('says when enough spend rolls out to admit again, walking the buckets from the oldest', async () => {
    const { clock, ledger } = ledgerAt({ maxHourlyCostUsd: 1, sessionReservationUsd: 0.3 });
    await ledger.charge('s1', 600_000); // bucket 0
    clock.advance(20 * MINUTE);
    await ledger.charge('s2', 600_000); // bucket 20
    clock.advance(5 * MINUTE);

    const refusal = await ledger.reserve('s3');
    expect(refusal).toMatchObject({ granted: false, scope: 'hourly', committedMicro: 1_200_000, heldMicro: 0 });
    if (refusal.granted) throw new Error('unreachable');
    // 0.5 must roll out: bucket 0 (0.6) is enough; it leaves at minute 61 → 36 min from now.
    expect(await ledger.retryAfterMs(refusal)).toBe(36 * MINUTE);

    // With a 0.9 reservation both buckets must go: bucket 20 leaves at minute 81 → 56 min from now.
    const { clock: clock2, ledger: bigger } = ledgerAt({ maxHourlyCostUsd: 1, sessionReservationUsd: 0.9 });
    await bigger.charge('s1', 600_000);
    clock2.advance(20 * MINUTE);
    await bigger.charge('s2', 600_000);
    clock2.advance(5 * MINUTE);
    const refused = await bigger.reserve('s3');
    if (refused.granted) throw new Error('unreachable');
    expect(await bigger.retryAfterMs(refused)).toBe(56 * MINUTE);
  });

  it('never locks out: whatever was spent and refused, one window later a session is admitted with no traffic in between', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ after: fc.integer({ min: 0, max: 20 * MINUTE }), micro: fc.integer({ min: 1, max: 3_000_000 }) }), { maxLength: 30 }),
        async (charges) => {
          const { clock, ledger } = ledgerAt({ maxHourlyCostUsd: 1, sessionReservationUsd: 0.3 });
          for (const [i, charge] of charges.entries()) {
            clock.advance(charge.after);
            await ledger.charge(`s${i}`, charge.micro);
            const decision = await ledger.reserve(`r${i}`);
            if (decision.granted) await ledger.releaseReservation(`r${i}`);
            else expect(await ledger.retryAfterMs(decision)).toBeLessThanOrEqual(61 * MINUTE);
          }
          clock.advance(61 * MINUTE);
          expect(await ledger.reserve('late')).toMatchObject({ granted: true });
        },
      ),
      { numRuns: 100, seed: 20261125 },
    );
  });

  it('keeps no per-usage record in the memory store: this process’s own tally de-duplicates', async () => {
    const clock = new ManualClock(28_333_334 * MINUTE);
    const store = new MemoryStore(clock);
    const ledger = new CostLedger(store, settingsOf(), clock);
    expect(await ledger.claim('s1', 'response:resp_1')).toBe(true);
    expect(await ledger.charge('s1', 100)).toMatchObject({ hourlyMicro: 100 });
    const entries = (store as unknown as { entries: Map<string, unknown> }).entries;
    expect([...entries.keys()].filter((key) => key.startsWith('cost:seen') || key.startsWith('cost:charge'))).toEqual([]);
  });

  it('marks a usage id only once per session in a shared store', async () => {
    const clock = new ManualClock(28_333_334 * MINUTE);
    const ledger = new CostLedger(asShared(new MemoryStore(clock)), settingsOf(), clock);
    expect(await ledger.claim('s1', 'response:resp_1')).toBe(true);
    expect(await ledger.claim('s1', 'response:resp_1')).toBe(false);
    expect(await ledger.claim('s2', 'response:resp_1')).toBe(true);
    expect(await ledger.claim('s1', `response:${'x'.repeat(5_000)}`)).toBe(true);
    expect(await ledger.claim('s1', `response:${'x'.repeat(5_000)}`)).toBe(false);
  });

  describe('when the store fails', () => {
    /**
     * A stand-in for Redis failing (the ledger's outside system): 'down' refuses every command
     * at once, as a dead Redis does; 'frozen' answers nothing (the caller times out) but keeps
     * the commands and runs them in order when it thaws, as a SIGSTOPped Redis does.
     */
    function flaky(inner: MemoryStore) {
      const state = { mode: 'up' as 'up' | 'down' | 'frozen', buffered: [] as Array<() => Promise<unknown>>, calls: 0 };
      const store = new Proxy(inner, {
        get(target, property, receiver) {
          if (property === 'backend') return 'redis'; // a shared store that can fail
          const value = Reflect.get(target, property, receiver) as unknown;
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            state.calls++;
            const run = () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            if (state.mode === 'up') return run();
            if (state.mode === 'frozen') state.buffered.push(run);
            return Promise.reject(new Error(state.mode === 'down' ? 'Connection is closed.' : 'Command timed out'));
          };
        },
      }) as StateStore;
      return {
        store,
        state,
        thaw: async () => {
          state.mode = 'up';
          for (const run of state.buffered.splice(0)) await run();
        },
      };
    }

    const setup = () => {
      const clock = new ManualClock(28_333_334 * MINUTE);
      const { store, state, thaw } = flaky(new MemoryStore(clock));
      return { clock, state, thaw, ledger: new CostLedger(store, settingsOf(), clock) };
    };

    it('counts a charge that timed out while the store was frozen exactly once when it thaws; later ones queue behind it', async () => {
      const { ledger, state, thaw } = setup();
      await ledger.charge('s1', 1_000);
      state.mode = 'frozen';
      expect(await ledger.charge('s1', 200)).toEqual({});
      const callsWhileFrozen = state.calls;
      expect(await ledger.charge('s1', 30)).toEqual({});
      expect(await ledger.charge('s2', 4)).toEqual({});
      expect(state.calls).toBe(callsWhileFrozen); // queued behind the first, not sent to time out one by one
      expect(await ledger.flush()).toBeUndefined(); // still frozen: the retry times out too
      expect(ledger.pendingMicro()).toBe(234);

      await thaw(); // Redis runs what it had buffered: the first charge, and its retry
      await ledger.flush();
      expect(ledger.pendingMicro()).toBe(0);
      expect(await ledger.hourlySpend()).toBe(1_234);
      expect(await ledger.sessionSpend('s1')).toBe(1_230);
    });

    it('writes queued charges once a dead store is back, merged per session', async () => {
      const { ledger, state } = setup();
      state.mode = 'down';
      for (let i = 0; i < 10; i++) await ledger.charge('s1', 10);
      state.mode = 'up';
      await ledger.flush();
      expect(await ledger.hourlySpend()).toBe(100);
      expect(await ledger.charge('s1', 1)).toMatchObject({ hourlyMicro: 101 });
    });

    it('releases a reservation whose release failed as soon as the store answers again', async () => {
      const { ledger, state } = setup();
      expect(await ledger.reserve('s1')).toMatchObject({ granted: true });
      state.mode = 'down';
      await expect(ledger.releaseReservation('s1')).rejects.toThrow();
      state.mode = 'up';
      expect(await ledger.reserved()).toBe(500_000);
      await ledger.flush();
      expect(await ledger.reserved()).toBe(0);
      expect(ledger.pendingReleases()).toBe(0);
    });

    it('drops the hold of an admission that timed out, which the frozen store still placed when it thawed', async () => {
      const { ledger, state, thaw } = setup();
      state.mode = 'frozen';
      await expect(ledger.reserve('refused')).rejects.toThrow();
      await thaw();
      expect(await ledger.reserved()).toBe(500_000); // the ghost hold
      await ledger.flush();
      expect(await ledger.reserved()).toBe(0);
    });
  });
});
