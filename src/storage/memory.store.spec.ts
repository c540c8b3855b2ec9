import { ManualClock } from '../../test/support/manual-clock';
import { MemoryStore } from './memory.store';

describe('MemoryStore memory bounds', () => {
  it('sweeps expired entries of any kind, so a flood of distinct keys does not stay in memory', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore(clock);
    for (let i = 0; i < 300_000; i++) await store.increment(`client:${i}`, 60_000);
    await store.set('record', 1, 10_000);
    await store.addToWindow('window', 5, 10_000);
    expect(store.size).toBe(300_002);

    clock.advance(61_000);
    // The sweep walks the Map in batches; repeated ticks clear everything that expired.
    while (store.sweep() > 0) {
      /* keep sweeping */
    }
    expect(store.size).toBe(0);
  });

  it('keeps live entries while sweeping expired ones', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore(clock);
    await store.increment('short', 1_000);
    await store.increment('long', 60_000);
    clock.advance(2_000);
    store.sweep();
    expect(store.size).toBe(1);
    expect((await store.increment('long', 60_000)).value).toBe(2);
  });

  it('inspects at most one batch per tick, so no request waits on a long sweep', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore(clock);
    for (let i = 0; i < 50; i++) await store.increment(`k${i}`, 1_000);
    clock.advance(2_000);
    expect(store.sweep(20)).toBe(20);
    expect(store.size).toBe(30);
  });

  it('refuses to mix kinds under one key', async () => {
    const store = new MemoryStore(new ManualClock());
    await store.set('k', 1, 1_000);
    await expect(store.increment('k', 1_000)).rejects.toThrow(TypeError);
  });
});
