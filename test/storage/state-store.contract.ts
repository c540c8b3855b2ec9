import { randomUUID } from 'node:crypto';
import type { StateStore } from '../../src/storage/state-store';
import { sleep, waitFor } from '../support/ports';

export interface StoreUnderTest {
  store: StateStore;
  /** Let `ms` of time pass (a manual clock for memory, real time for Redis). */
  advance(ms: number): Promise<void>;
}

/**
 * The behaviour every StateStore promises, run unchanged against MemoryStore and RedisStore.
 * Windows are kept short (1.2 s) so the Redis run can let real time pass.
 */
export function stateStoreContract(name: string, setup: () => Promise<StoreUnderTest>, teardown: () => Promise<void>): void {
  describe(`${name} honours the StateStore contract`, () => {
    let subject: StoreUnderTest;
    let store: StateStore;
    const key = (label: string) => `test:${label}:${randomUUID()}`;

    beforeAll(async () => {
      subject = await setup();
      store = subject.store;
    });
    afterAll(teardown);

    describe('counters', () => {
      it('counts up from zero and reports when the window resets', async () => {
        const counter = key('counter');
        expect((await store.increment(counter, 60_000)).value).toBe(1);
        const second = await store.increment(counter, 60_000);
        expect(second.value).toBe(2);
        expect(second.resetInMs).toBeGreaterThan(59_000);
        expect(second.resetInMs).toBeLessThanOrEqual(60_000);
      });

      it('adds any step, negative included', async () => {
        const counter = key('step');
        expect((await store.increment(counter, 60_000, 5)).value).toBe(5);
        expect((await store.increment(counter, 60_000, -2)).value).toBe(3);
      });

      it('starts again from zero after the window', async () => {
        const counter = key('expiry');
        await store.increment(counter, 1_200);
        await store.increment(counter, 1_200);
        await subject.advance(1_300);
        expect((await store.increment(counter, 1_200)).value).toBe(1);
      });

      it('admits exactly the limit under 250 concurrent increments', async () => {
        const counter = key('burst');
        const results = await Promise.all(Array.from({ length: 250 }, () => store.increment(counter, 60_000)));
        expect(results.filter((result) => result.value <= 100)).toHaveLength(100);
        expect(new Set(results.map((result) => result.value)).size).toBe(250);
      });
    });

    describe('rolling windows', () => {
      it('sums what was added within the window', async () => {
        const window = key('window');
        expect(await store.addToWindow(window, 250_000, 3_600_000)).toBe(250_000);
        expect(await store.addToWindow(window, 1_000_000, 3_600_000)).toBe(1_250_000);
        expect(await store.sumWindow(window, 3_600_000)).toBe(1_250_000);
        expect(await store.sumWindow(key('empty'), 3_600_000)).toBe(0);
      });

      it('forgets amounts older than the window, without any new traffic', async () => {
        const window = key('roll');
        await store.addToWindow(window, 7, 1_200);
        await subject.advance(700);
        await store.addToWindow(window, 5, 1_200);
        await subject.advance(700);
        // The first amount is now older than the window; the second is not.
        expect(await store.sumWindow(window, 1_200)).toBe(5);
        await subject.advance(700);
        expect(await store.sumWindow(window, 1_200)).toBe(0);
      });

      it('refuses fractional amounts (callers use integer micro-units)', async () => {
        await expect(store.addToWindow(key('frac'), 0.5, 60_000)).rejects.toThrow(RangeError);
      });
    });

    describe('holds against a cap', () => {
      const hour = 3_600_000;

      it('grants holds while committed + held stays within the cap', async () => {
        const window = { key: key('spend'), windowMs: hour };
        const poolKey = key('pool');
        await store.addToWindow(window.key, 400, hour);
        const first = await store.placeHold({ window, poolKey, holdId: 'a', amount: 300, ttlMs: 60_000, cap: 1_000 });
        expect(first).toEqual({ granted: true, committed: 400, held: 300 });
        const second = await store.placeHold({ window, poolKey, holdId: 'b', amount: 300, ttlMs: 60_000, cap: 1_000 });
        expect(second).toEqual({ granted: true, committed: 400, held: 600 });
        const refused = await store.placeHold({ window, poolKey, holdId: 'c', amount: 300, ttlMs: 60_000, cap: 1_000 });
        expect(refused).toEqual({ granted: false, committed: 400, held: 600 });
        expect(await store.heldTotal(poolKey)).toBe(600);
      });

      it('grants exactly cap / amount holds to a concurrent burst', async () => {
        const window = { key: key('spend'), windowMs: hour };
        const poolKey = key('pool');
        const results = await Promise.all(
          Array.from({ length: 40 }, (_, index) =>
            store.placeHold({ window, poolKey, holdId: `s${index}`, amount: 300_000, ttlMs: 60_000, cap: 1_000_000 }),
          ),
        );
        expect(results.filter((result) => result.granted)).toHaveLength(3);
        expect(await store.heldTotal(poolKey)).toBe(900_000);
      });

      it('settles a hold against committed spend and releases it', async () => {
        const window = { key: key('spend'), windowMs: hour };
        const poolKey = key('pool');
        await store.placeHold({ window, poolKey, holdId: 'a', amount: 500, ttlMs: 60_000, cap: 10_000 });
        expect(await store.commit({ amount: 200, windows: [window], hold: { poolKey, holdId: 'a' } })).toEqual([200]);
        expect(await store.heldTotal(poolKey)).toBe(300);
        // Spending past the hold never makes it negative.
        await store.commit({ amount: 900, windows: [window], hold: { poolKey, holdId: 'a' } });
        expect(await store.heldTotal(poolKey)).toBe(0);
        expect(await store.sumWindow(window.key, hour)).toBe(1_100);
        await store.releaseHold(poolKey, 'a');
        expect(await store.heldTotal(poolKey)).toBe(0);
      });

      it('commits to several windows at once', async () => {
        const global = { key: key('global'), windowMs: hour };
        const user = { key: key('user'), windowMs: hour };
        expect(await store.commit({ amount: 42, windows: [global, user] })).toEqual([42, 42]);
        expect(await store.commit({ amount: 8, windows: [global] })).toEqual([50]);
        expect(await store.sumWindow(user.key, hour)).toBe(42);
      });

      it('applies a commit with a once-key only once, whatever number of times it is sent', async () => {
        const window = { key: key('spend'), windowMs: hour };
        const poolKey = key('pool');
        await store.placeHold({ window, poolKey, holdId: 'a', amount: 500, ttlMs: 60_000, cap: 10_000 });
        const commit = { amount: 200, windows: [window], hold: { poolKey, holdId: 'a' }, once: { key: key('charge-1'), ttlMs: 60_000 } };
        expect(await store.commit(commit)).toEqual([200]);
        expect(await store.commit(commit)).toEqual([200]);
        expect(await Promise.all([store.commit(commit), store.commit(commit)])).toEqual([[200], [200]]);
        expect(await store.heldTotal(poolKey)).toBe(300);
        expect(await store.commit({ ...commit, once: { key: key('charge-2'), ttlMs: 60_000 } })).toEqual([400]);
        expect(await store.commit({ amount: 1, windows: [window] })).toEqual([401]);
      });

      it('lets holds expire on their own', async () => {
        const window = { key: key('spend'), windowMs: hour };
        const poolKey = key('pool');
        await store.placeHold({ window, poolKey, holdId: 'gone', amount: 700, ttlMs: 1_000, cap: 1_000 });
        await subject.advance(1_100);
        expect(await store.heldTotal(poolKey)).toBe(0);
        const after = await store.placeHold({ window, poolKey, holdId: 'next', amount: 700, ttlMs: 60_000, cap: 1_000 });
        expect(after.granted).toBe(true);
      });
    });

    describe('records', () => {
      it('stores JSON records until their TTL', async () => {
        const record = key('record');
        expect(await store.get(record)).toBeUndefined();
        await store.set(record, { until: 123, reason: 'test' }, 1_000);
        expect(await store.get(record)).toEqual({ until: 123, reason: 'test' });
        await subject.advance(1_100);
        expect(await store.get(record)).toBeUndefined();
      });

      it('setIfAbsent stores once, and again after expiry', async () => {
        const record = key('once');
        expect(await store.setIfAbsent(record, 1, 1_000)).toBe(true);
        expect(await store.setIfAbsent(record, 2, 1_000)).toBe(false);
        expect(await store.get(record)).toBe(1);
        await subject.advance(1_100);
        expect(await store.setIfAbsent(record, 3, 1_000)).toBe(true);
      });

      it('setIfAbsent has one winner among concurrent callers', async () => {
        const record = key('race');
        const winners = await Promise.all(Array.from({ length: 50 }, (_, index) => store.setIfAbsent(record, index, 60_000)));
        expect(winners.filter(Boolean)).toHaveLength(1);
      });

      it('deletes records', async () => {
        const record = key('delete');
        await store.set(record, 'x', 60_000);
        await store.delete(record);
        expect(await store.get(record)).toBeUndefined();
      });
    });

    describe('events', () => {
      it('delivers published messages to subscribers of that channel only', async () => {
        const channel = key('channel');
        const received: unknown[] = [];
        const other: unknown[] = [];
        const stop = store.subscribe(channel, (message) => received.push(message));
        const stopOther = store.subscribe(key('other'), (message) => other.push(message));
        expect(await store.subscriptionsReady(5_000)).toBe(true);
        await store.publish(channel, { type: 'breaker.opened', until: 42 });
        await waitFor(() => received.length === 1, 2_000);
        expect(received[0]).toEqual({ type: 'breaker.opened', until: 42 });
        expect(other).toHaveLength(0);
        stop();
        stopOther();
        await store.publish(channel, { type: 'after' });
        await sleep(100);
        expect(received).toHaveLength(1);
      });

      it('delivers a message published the moment a subscription is confirmed (no warm-up needed)', async () => {
        // The worst moment: publish right after subscribing, as an instance that has just started
        // would receive a revocation. Twenty fresh channels, so a race cannot pass by luck.
        const received = new Map<string, unknown[]>();
        for (let i = 0; i < 20; i++) {
          const channel = key(`first-${i}`);
          received.set(channel, []);
          store.subscribe(channel, (message) => received.get(channel)!.push(message));
          expect(await store.subscriptionsReady(5_000)).toBe(true);
          await store.publish(channel, { n: i });
        }
        await waitFor(() => [...received.values()].every((messages) => messages.length === 1), 5_000);
        expect([...received.values()].map((messages) => messages[0])).toEqual(Array.from({ length: 20 }, (_, n) => ({ n })));
      });

      it('survives a subscriber that throws', async () => {
        const channel = key('throws');
        const received: unknown[] = [];
        const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
        store.subscribe(channel, () => {
          throw new Error('handler bug');
        });
        store.subscribe(channel, (message) => received.push(message));
        expect(await store.subscriptionsReady(5_000)).toBe(true);
        await store.publish(channel, 'ping');
        await waitFor(() => received.length === 1, 2_000);
        expect(spy).toHaveBeenCalled();
        spy.mockRestore();
      });
    });

    it('reports itself healthy', () => {
      expect(store.health()).toEqual({ backend: store.backend, ok: true });
    });
  });
}
