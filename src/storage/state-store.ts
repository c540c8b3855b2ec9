// The pluggable storage provider: one interface for every piece of state that rate limiting,
// cost protection and auth keep. MemoryStore (the default) keeps it in this process;
// RedisStore shares it between instances. Every method is one atomic step in the backend.
//
// Amounts in windows and holds are integers (callers use micro-units, e.g. micro-dollars), so
// sums are exact in both backends.

export interface CounterResult {
  /** The counter's value after the increment. */
  value: number;
  /** Milliseconds until the counter's window ends and it starts again from zero. */
  resetInMs: number;
}

export interface WindowRef {
  key: string;
  /** Length of the rolling window in ms. */
  windowMs: number;
}

/** Reserve `amount` in a pool of holds, if committed spend + holds + amount stay within `cap`. */
export interface HoldRequest {
  /** The rolling window whose sum is the committed spend. */
  window: WindowRef;
  poolKey: string;
  holdId: string;
  amount: number;
  /** The hold disappears on its own after this long (a crashed instance leaks nothing). */
  ttlMs: number;
  cap: number;
}

export interface HoldResult {
  granted: boolean;
  /** Window sum at the time of the decision. */
  committed: number;
  /** Total of live holds in the pool after the decision. */
  held: number;
}

/** Add spend to windows and, optionally, settle it against an outstanding hold. */
export interface CommitRequest {
  amount: number;
  windows: WindowRef[];
  hold?: { poolKey: string; holdId: string };
  /**
   * Apply at most once per key (kept for `ttlMs`): a commit whose key was already used changes
   * nothing. A caller that did not hear back (a timeout: the store may still run it later) can
   * then send the same commit again without counting it twice.
   */
  once?: { key: string; ttlMs: number };
}

export interface StoreHealth {
  backend: 'memory' | 'redis';
  ok: boolean;
  /** Why the store is not ok (never contains credentials). */
  reason?: string;
}

export type MessageHandler = (message: unknown) => void;

export interface StateStore {
  readonly backend: 'memory' | 'redis';

  /**
   * Add `by` (default 1, may be negative) to a fixed-window counter. The window starts with the
   * first increment and lasts `windowMs`.
   */
  increment(key: string, windowMs: number, by?: number): Promise<CounterResult>;

  /** Add an integer amount at the current time to a rolling window; returns the window sum after it. */
  addToWindow(key: string, amount: number, windowMs: number): Promise<number>;

  /** The sum of what was added over the last `windowMs` (rounded up to the window's bucket size). */
  sumWindow(key: string, windowMs: number): Promise<number>;

  /** Atomically check committed + held + amount ≤ cap, and hold `amount` if so. */
  placeHold(request: HoldRequest): Promise<HoldResult>;

  /**
   * Atomically add `amount` to every window and shrink the hold (never below zero). Returns the
   * window sums after the commit, in the order given (unchanged when `once` says it was applied).
   */
  commit(request: CommitRequest): Promise<number[]>;

  /** Drop a hold (the session ended). */
  releaseHold(poolKey: string, holdId: string): Promise<void>;

  /** Sum of live holds in a pool. */
  heldTotal(poolKey: string): Promise<number>;

  /** A JSON record, or undefined when absent or expired. */
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, ttlMs: number): Promise<void>;
  /** Store the record only if no live record has that key; true when this call stored it. */
  setIfAbsent<T>(key: string, value: T, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;

  /** Tell every instance (this one included) about an event. Delivery is asynchronous, at most once. */
  publish(channel: string, message: unknown): Promise<void>;
  /**
   * Listen on a channel; returns the function that stops listening. `onMissed` runs each time the
   * event connection has (re)connected and its subscriptions are confirmed: events published while
   * it was away are lost (pub/sub keeps nothing), so the listener reconciles from the store then.
   */
  subscribe(channel: string, handler: MessageHandler, onMissed?: () => void): () => void;
  /**
   * Resolves true once every subscription made so far is confirmed by the backend (a message
   * published after that reaches this instance), or false after `timeoutMs`.
   */
  subscriptionsReady(timeoutMs: number): Promise<boolean>;

  health(): StoreHealth;
}

/** Rolling windows are kept as 60 buckets; a sum covers between 60 and 61 buckets of history. */
export const WINDOW_BUCKETS = 60;

export function bucketSizeMs(windowMs: number): number {
  return Math.max(1, Math.ceil(windowMs / WINDOW_BUCKETS));
}

export function assertInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be a safe integer, got ${value}`);
}

/** Run an event handler so that its failure is logged, never thrown into the store's event loop. */
export function deliver(handler: MessageHandler, message: unknown): void {
  try {
    const result = handler(message) as unknown;
    if (result instanceof Promise) result.catch((error: Error) => console.error(`event handler failed: ${error.message}`));
  } catch (error) {
    console.error(`event handler failed: ${(error as Error).message}`);
  }
}
