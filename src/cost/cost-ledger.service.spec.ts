import { Logger } from '@nestjs/common';
import fc from 'fast-check';
import { ManualClock } from '../common/clock';
import { MemoryStore } from '../storage/memory.store';
import { MINUTE, settingsOf } from './cost-harness.spec-support';
import { CostLedger } from './cost-ledger.service';

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

  it('marks a usage id only once per session', async () => {
    const { ledger } = ledgerAt();
    expect(await ledger.claim('s1', 'response:resp_1')).toBe(true);
    expect(await ledger.claim('s1', 'response:resp_1')).toBe(false);
    expect(await ledger.claim('s2', 'response:resp_1')).toBe(true);
    expect(await ledger.claim('s1', `response:${'x'.repeat(5_000)}`)).toBe(true);
    expect(await ledger.claim('s1', `response:${'x'.repeat(5_000)}`)).toBe(false);
  });
});
