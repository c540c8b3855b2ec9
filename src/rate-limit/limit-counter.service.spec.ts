import { Logger } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { ManualClock } from '../../test/support/manual-clock';
import { MemoryStore } from '../storage/memory.store';
import type { CounterResult, StateStore } from '../storage/state-store';
import { createLocalStore } from '../storage/storage.module';
import { DECISION_DEADLINE_MS, LimitCounter, PROBE_INTERVAL_MS } from './limit-counter.service';

/** A stand-in for the Redis client side of RedisStore: answers, fails fast, or never answers. */
class SharedStoreFake {
  readonly backend = 'redis' as const;
  behaviour: 'answer' | 'fail' | 'hang' = 'answer';
  calls = 0;
  private readonly data: MemoryStore;

  constructor(clock: ManualClock) {
    this.data = new MemoryStore(clock);
  }

  increment(key: string, windowMs: number): Promise<CounterResult> {
    this.calls++;
    if (this.behaviour === 'fail') return Promise.reject(new Error('Connection is closed.'));
    if (this.behaviour === 'hang') return new Promise(() => undefined);
    return this.data.increment(key, windowMs);
  }
}

beforeAll(() => Logger.overrideLogger(false));

const metrics = () => ({
  gauge: new Gauge({ name: 'fallback_active_test', help: 'test', registers: [] }),
  errors: new Counter({ name: 'store_errors_test', help: 'test', registers: [] }),
});
const valueOf = async (metric: Gauge | Counter) => (await metric.get()).values[0]?.value ?? 0;

describe('LimitCounter on the in-memory store', () => {
  it('counts fixed windows that expire with time, not with traffic', async () => {
    const clock = new ManualClock();
    const { gauge, errors } = metrics();
    const store = new MemoryStore(clock);
    const counter = new LimitCounter(store, createLocalStore(store, clock), gauge, errors);
    expect(counter.mode).toBe('memory');

    expect(await counter.hit('k', 60_000)).toEqual({ value: 1, resetInMs: 60_000 });
    clock.advance(45_000);
    expect(await counter.hit('k', 60_000)).toEqual({ value: 2, resetInMs: 15_000 });
    clock.advance(15_000);
    expect(await counter.hit('k', 60_000)).toEqual({ value: 1, resetInMs: 60_000 });
    counter.onApplicationShutdown();
  });
});

describe('LimitCounter on a shared store', () => {
  let clock: ManualClock;
  let shared: SharedStoreFake;
  let gauge: Gauge;
  let errors: Counter;
  let counter: LimitCounter;
  let local: MemoryStore | null;

  beforeEach(() => {
    jest.useFakeTimers();
    clock = new ManualClock();
    shared = new SharedStoreFake(clock);
    ({ gauge, errors } = metrics());
    // The storage module's choice: a store of this instance's own beside the shared one.
    local = createLocalStore(shared as unknown as StateStore, clock);
    counter = new LimitCounter(shared as unknown as StateStore, local, gauge, errors);
  });
  afterEach(() => {
    counter.onApplicationShutdown();
    local?.stop();
    jest.useRealTimers();
  });

  it('counts in the shared store while it answers', async () => {
    await counter.hit('k', 60_000);
    expect((await counter.hit('k', 60_000)).value).toBe(2);
    expect(shared.calls).toBe(2);
    expect(counter.mode).toBe('redis');
    expect(await valueOf(gauge)).toBe(0);
  });

  it('fails open to per-instance memory when the store errors, and stops asking it per request', async () => {
    shared.behaviour = 'fail';
    expect(await counter.hit('k', 60_000)).toEqual({ value: 1, resetInMs: 60_000 });
    expect(counter.mode).toBe('memory-fallback');
    expect(await valueOf(gauge)).toBe(1);
    expect(await valueOf(errors)).toBe(1);

    // Later hits are counted in memory without touching the failed store.
    for (let i = 0; i < 9; i++) await counter.hit('k', 60_000);
    expect((await counter.hit('k', 60_000)).value).toBe(11);
    expect(shared.calls).toBe(1);
  });

  it('answers within the decision deadline when the store never answers (frozen Redis)', async () => {
    shared.behaviour = 'hang';
    let answer: CounterResult | undefined;
    const pending = counter.hit('k', 60_000).then((result) => (answer = result));

    await jest.advanceTimersByTimeAsync(DECISION_DEADLINE_MS - 1);
    expect(answer).toBeUndefined();
    // The deadline fires, and gives up at the end of that event-loop turn.
    await jest.advanceTimersByTimeAsync(1);
    await jest.runOnlyPendingTimersAsync();
    await pending;
    expect(answer).toEqual({ value: 1, resetInMs: 60_000 });
    expect(counter.mode).toBe('memory-fallback');
  });

  it('probes once a second while down and moves back to the shared store when it answers', async () => {
    shared.behaviour = 'fail';
    await counter.hit('k', 60_000);

    await jest.advanceTimersByTimeAsync(3 * PROBE_INTERVAL_MS);
    expect(shared.calls).toBe(1 + 3); // one failed request, then only the probes
    expect(counter.mode).toBe('memory-fallback');
    expect(await valueOf(errors)).toBe(4);

    shared.behaviour = 'answer';
    await jest.advanceTimersByTimeAsync(PROBE_INTERVAL_MS);
    expect(counter.mode).toBe('redis');
    expect(await valueOf(gauge)).toBe(0);

    const callsBefore = shared.calls;
    await counter.hit('k', 60_000);
    expect(shared.calls).toBe(callsBefore + 1);
    await jest.advanceTimersByTimeAsync(5 * PROBE_INTERVAL_MS);
    expect(shared.calls).toBe(callsBefore + 1); // no probing while healthy
  });

  it('keeps the fallback bounded: 100,000 distinct clients are swept after their window', async () => {
    shared.behaviour = 'fail';
    for (let i = 0; i < 100_000; i++) await counter.hit(`rl:websocket:10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, 60_000);
    expect(counter.fallbackKeys).toBe(100_000);

    clock.advance(60_000);
    // The fallback store's own sweeper runs once a second, a batch per tick.
    await jest.advanceTimersByTimeAsync(10 * 1_000);
    expect(counter.fallbackKeys).toBe(0);
  });
});
