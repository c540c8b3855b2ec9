import { EventEmitter } from 'node:events';
import { Clock } from '../common/clock';
import {
  assertInteger,
  bucketSizeMs,
  CommitRequest,
  CounterResult,
  HoldRequest,
  HoldResult,
  deliver,
  MessageHandler,
  StateStore,
  StoreHealth,
  WINDOW_BUCKETS,
} from './state-store';

type Entry =
  | { kind: 'counter'; value: number; expiresAt: number }
  | { kind: 'record'; json: string; expiresAt: number }
  | { kind: 'window'; buckets: Map<number, number>; expiresAt: number }
  | { kind: 'pool'; holds: Map<string, { amount: number; expiresAt: number }>; expiresAt: number };

/** How many entries one sweep tick inspects: a few ms of work, so no request waits on it. */
const SWEEP_BATCH = 20_000;
const SWEEP_INTERVAL_MS = 1_000;

/**
 * State in this process's Maps. Every method runs synchronously between awaits, so each one is
 * atomic with respect to the others. Expiry is honoured on read; a sweeper walks the Map in
 * batches so memory stays bounded under millions of distinct keys.
 */
export class MemoryStore implements StateStore {
  readonly backend = 'memory' as const;
  private readonly entries = new Map<string, Entry>();
  private readonly events = new EventEmitter();
  private sweepCursor: IterableIterator<[string, Entry]> | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly clock: Clock) {
    this.events.setMaxListeners(0);
  }

  /** Start the periodic sweep (StorageModule does this; tests may call sweep() by hand). */
  startSweeping(intervalMs = SWEEP_INTERVAL_MS): void {
    this.sweepTimer ??= setInterval(() => this.sweep(), intervalMs).unref();
  }

  stop(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    this.events.removeAllListeners();
  }

  /** Number of live and not-yet-swept entries (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  /** Remove expired entries, at most `batch` inspected per call; returns how many were removed. */
  sweep(batch = SWEEP_BATCH): number {
    const now = this.clock.now();
    let removed = 0;
    for (let inspected = 0; inspected < batch; inspected++) {
      this.sweepCursor ??= this.entries.entries();
      const next = this.sweepCursor.next();
      if (next.done) {
        this.sweepCursor = undefined;
        break;
      }
      const [key, entry] = next.value;
      if (entry.expiresAt <= now) {
        this.entries.delete(key);
        removed++;
      }
    }
    return removed;
  }

  async increment(key: string, windowMs: number, by = 1): Promise<CounterResult> {
    assertInteger('by', by);
    const now = this.clock.now();
    let entry = this.live(key, 'counter', now);
    if (!entry) {
      entry = { kind: 'counter', value: 0, expiresAt: now + windowMs };
      this.entries.set(key, entry);
    }
    entry.value += by;
    return { value: entry.value, resetInMs: entry.expiresAt - now };
  }

  async addToWindow(key: string, amount: number, windowMs: number): Promise<number> {
    return this.addToWindowNow(key, amount, windowMs, this.clock.now());
  }

  async sumWindow(key: string, windowMs: number): Promise<number> {
    return this.sumWindowNow(key, windowMs, this.clock.now());
  }

  async placeHold(request: HoldRequest): Promise<HoldResult> {
    assertInteger('amount', request.amount);
    const now = this.clock.now();
    const committed = this.sumWindowNow(request.window.key, request.window.windowMs, now);
    const pool = this.pool(request.poolKey, now);
    const held = this.poolTotal(pool, now);
    if (committed + held + request.amount > request.cap) return { granted: false, committed, held };
    const expiresAt = now + request.ttlMs;
    pool.holds.set(request.holdId, { amount: request.amount, expiresAt });
    pool.expiresAt = Math.max(pool.expiresAt, expiresAt);
    return { granted: true, committed, held: held + request.amount };
  }

  async commit(request: CommitRequest): Promise<number[]> {
    assertInteger('amount', request.amount);
    const now = this.clock.now();
    if (request.once) {
      if (this.live(request.once.key, 'record', now)) return request.windows.map((window) => this.sumWindowNow(window.key, window.windowMs, now));
      this.entries.set(request.once.key, { kind: 'record', json: '1', expiresAt: now + request.once.ttlMs });
    }
    const sums = request.windows.map((window) => this.addToWindowNow(window.key, request.amount, window.windowMs, now));
    if (request.hold) {
      const pool = this.live(request.hold.poolKey, 'pool', now);
      const hold = pool?.holds.get(request.hold.holdId);
      if (hold && hold.expiresAt > now) hold.amount = Math.max(0, hold.amount - request.amount);
    }
    return sums;
  }

  async releaseHold(poolKey: string, holdId: string): Promise<void> {
    this.live(poolKey, 'pool', this.clock.now())?.holds.delete(holdId);
  }

  async heldTotal(poolKey: string): Promise<number> {
    const now = this.clock.now();
    const pool = this.live(poolKey, 'pool', now);
    return pool ? this.poolTotal(pool, now) : 0;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const entry = this.live(key, 'record', this.clock.now());
    return entry ? (JSON.parse(entry.json) as T) : undefined;
  }

  async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    this.entries.set(key, { kind: 'record', json: JSON.stringify(value), expiresAt: this.clock.now() + ttlMs });
  }

  async setIfAbsent<T>(key: string, value: T, ttlMs: number): Promise<boolean> {
    const now = this.clock.now();
    if (this.live(key, 'record', now)) return false;
    this.entries.set(key, { kind: 'record', json: JSON.stringify(value), expiresAt: now + ttlMs });
    return true;
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async publish(channel: string, message: unknown): Promise<void> {
    // Round-trip through JSON and deliver on a later tick, exactly as Redis pub/sub would.
    const json = JSON.stringify(message);
    setImmediate(() => this.events.emit(channel, JSON.parse(json)));
  }

  /** In one process no event is ever missed, so `onMissed` never runs. */
  subscribe(channel: string, handler: MessageHandler): () => void {
    const safe = (message: unknown) => deliver(handler, message);
    this.events.on(channel, safe);
    return () => this.events.off(channel, safe);
  }

  async subscriptionsReady(): Promise<boolean> {
    return true;
  }

  health(): StoreHealth {
    return { backend: 'memory', ok: true };
  }

  /** The entry under `key` if it is live and of the expected kind; expired entries are dropped. */
  private live<K extends Entry['kind']>(key: string, kind: K, now: number): Extract<Entry, { kind: K }> | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    if (entry.kind !== kind) throw new TypeError(`key ${key} holds a ${entry.kind}, not a ${kind}`);
    return entry as Extract<Entry, { kind: K }>;
  }

  private addToWindowNow(key: string, amount: number, windowMs: number, now: number): number {
    assertInteger('amount', amount);
    const size = bucketSizeMs(windowMs);
    let entry = this.live(key, 'window', now);
    if (!entry) {
      entry = { kind: 'window', buckets: new Map(), expiresAt: 0 };
      this.entries.set(key, entry);
    }
    const bucket = Math.floor(now / size);
    entry.buckets.set(bucket, (entry.buckets.get(bucket) ?? 0) + amount);
    entry.expiresAt = now + windowMs + 2 * size;
    return this.sumBuckets(entry, bucket - WINDOW_BUCKETS);
  }

  private sumWindowNow(key: string, windowMs: number, now: number): number {
    const entry = this.live(key, 'window', now);
    if (!entry) return 0;
    return this.sumBuckets(entry, Math.floor(now / bucketSizeMs(windowMs)) - WINDOW_BUCKETS);
  }

  /** Sum buckets from `oldest` on, dropping older ones. */
  private sumBuckets(entry: Extract<Entry, { kind: 'window' }>, oldest: number): number {
    let sum = 0;
    for (const [bucket, amount] of entry.buckets) {
      if (bucket < oldest) entry.buckets.delete(bucket);
      else sum += amount;
    }
    return sum;
  }

  private pool(key: string, now: number): Extract<Entry, { kind: 'pool' }> {
    let pool = this.live(key, 'pool', now);
    if (!pool) {
      pool = { kind: 'pool', holds: new Map(), expiresAt: now };
      this.entries.set(key, pool);
    }
    return pool;
  }

  private poolTotal(pool: Extract<Entry, { kind: 'pool' }>, now: number): number {
    let total = 0;
    for (const [id, hold] of pool.holds) {
      if (hold.expiresAt <= now) pool.holds.delete(id);
      else total += hold.amount;
    }
    return total;
  }
}
