import type { CostUpdate } from '../../common/session-ports';
import { CostUpdateCoalescer } from './cost-update-coalescer';

const update = (sessionCostUsd: number): CostUpdate => ({ sessionCostUsd, budgetUsd: 5 });

function harness(accepting: () => boolean = () => true) {
  let now = 0;
  const sent: Array<{ update: CostUpdate; droppable: boolean }> = [];
  const coalescer = new CostUpdateCoalescer(
    {
      send: (value, droppable) => {
        if (droppable && !accepting()) return false;
        sent.push({ update: value, droppable });
        return true;
      },
    },
    () => now,
    250,
  );
  return {
    coalescer,
    sent,
    advance: async (ms: number) => {
      now += ms;
      await jest.advanceTimersByTimeAsync(ms);
    },
  };
}

describe('CostUpdateCoalescer (the cost.updated cadence)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends the first update at once and a burst of 30 as one more, carrying the last figure', async () => {
    const h = harness();
    for (let i = 1; i <= 30; i++) h.coalescer.push(update(i / 100));
    expect(h.sent.map((s) => s.update.sessionCostUsd)).toEqual([0.01]);
    await h.advance(250);
    expect(h.sent.map((s) => s.update.sessionCostUsd)).toEqual([0.01, 0.3]);
    await h.advance(1_000);
    expect(h.sent).toHaveLength(2);
    h.coalescer.push(update(0.31)); // after a quiet spell: at once
    expect(h.sent.at(-1)?.update.sessionCostUsd).toBe(0.31);
  });

  it('sends a dropped update again until the browser reads, so the latest figure always arrives', async () => {
    let reading = false;
    const h = harness(() => reading);
    h.coalescer.push(update(0.1));
    h.coalescer.push(update(0.2));
    await h.advance(1_000);
    expect(h.sent).toEqual([]);
    reading = true;
    await h.advance(250);
    expect(h.sent).toEqual([{ update: update(0.2), droppable: true }]);
  });

  it('flushes what waits before the end, even to a slow reader, and sends nothing after', async () => {
    const h = harness();
    h.coalescer.push(update(0.1));
    h.coalescer.push(update(0.4));
    h.coalescer.flush();
    expect(h.sent).toEqual([
      { update: update(0.1), droppable: true },
      { update: update(0.4), droppable: false },
    ]);
    h.coalescer.push(update(0.5));
    await h.advance(1_000);
    expect(h.sent).toHaveLength(2);
    expect(jest.getTimerCount()).toBe(0);
  });
});
