import { Logger } from '@nestjs/common';
import { costHarness, identity, MINUTE, usageCosting } from '../../test/support/cost-harness';
import { PriceBook } from './price-book';
import { DEFAULT_PRICE_TABLE } from './price-table';
import { derivedFloorUsdPerMinute } from './spend-floor';

describe('SpendFloor (the time floor of a session’s spend)', () => {
  let logs: jest.SpyInstance[];
  beforeEach(() => {
    logs = (['log', 'warn'] as const).map((level) => jest.spyOn(Logger.prototype, level).mockImplementation(() => undefined));
  });
  afterEach(() => logs.forEach((spy) => spy.mockRestore()));

  it('defaults to half a minute of audio each way at the realtime model’s audio prices', () => {
    const book = new PriceBook(DEFAULT_PRICE_TABLE);
    expect(derivedFloorUsdPerMinute(book.resolve('gpt-realtime-2'))).toBeCloseTo(0.048, 9);
    expect(derivedFloorUsdPerMinute(book.resolve('gpt-realtime-mini'))).toBeCloseTo(0.015, 9);
    const h = costHarness({ minUsdPerMinute: undefined });
    expect(h.metering['floor'].microPerMinute).toBe(48_000);
  });

  it('counts the larger of metered and floor, never their sum, and charges the ledger that figure', async () => {
    const h = costHarness({ minUsdPerMinute: 0.06, maxSessionCostUsd: 5 });
    await h.service.admit('s1', identity(1));
    h.service.started('s1');
    h.clock.advance(MINUTE);
    await h.metering.chargeFloors();
    // Nothing metered yet: one minute at the floor.
    expect(await h.ledger.sessionSpend('s1')).toBe(60_000);
    // Usage below the floor adds nothing…
    await h.service.recordResponseUsage('s1', 'gpt-realtime-2', 'r1', usageCosting(24_000));
    expect(await h.ledger.sessionSpend('s1')).toBe(60_000);
    // …usage past it counts in full, and the floor adds nothing on top.
    const verdict = await h.service.recordResponseUsage('s1', 'gpt-realtime-2', 'r2', usageCosting(96_000));
    expect(verdict.update.sessionCostUsd).toBe(0.12);
    expect(await h.ledger.sessionSpend('s1')).toBe(120_000);
    await h.metering.chargeFloors();
    expect(await h.ledger.sessionSpend('s1')).toBe(120_000);
    // Three minutes in, the floor (0.18) is ahead again.
    h.clock.advance(2 * MINUTE);
    await h.metering.chargeFloors();
    expect(await h.ledger.sessionSpend('s1')).toBe(180_000);
    expect(await h.ledger.hourlySpend()).toBe(180_000);
  });

  it('ends a session whose floor reaches its budget, with no usage at all', async () => {
    const h = costHarness({ minUsdPerMinute: 0.6, maxSessionCostUsd: 0.05 });
    await h.service.admit('s1', identity(1));
    h.service.started('s1');
    h.clock.advance(4_000);
    await h.metering.chargeFloors();
    expect(h.events).toEqual([]);
    h.clock.advance(1_500);
    await h.metering.chargeFloors();
    expect(h.events).toEqual([{ kind: 'end', sessionId: 's1', reason: 'budget_exceeded' }]);
  });

  it('is off at 0, and off when enforcement is off', async () => {
    for (const overrides of [{ minUsdPerMinute: 0 }, { enabled: false, minUsdPerMinute: 1 }]) {
      const h = costHarness(overrides);
      await h.service.admit('s1', identity(1));
      h.service.started('s1');
      h.clock.advance(10 * MINUTE);
      await h.metering.chargeFloors();
      expect(await h.ledger.sessionSpend('s1')).toBe(0);
    }
  });
});
