import { Logger } from '@nestjs/common';
import { withDeadline } from '../common/deadline';
import Redis, { RedisOptions } from 'ioredis';
import { assertInteger, CommitRequest, deliver, CounterResult, HoldRequest, HoldResult, MessageHandler, StateStore, StoreHealth } from './state-store';
import { COMMIT, HELD_TOTAL, INCREMENT, PLACE_HOLD, WINDOW_ADD, WINDOW_SUM } from './redis-scripts';

interface ScriptCommands {
  ducke_increment(key: string, windowMs: number, by: number): Promise<[number, number]>;
  ducke_window_add(key: string, amount: number, windowMs: number): Promise<number>;
  ducke_window_sum(key: string, windowMs: number): Promise<number>;
  ducke_place_hold(...args: (string | number)[]): Promise<[number, number, number]>;
  ducke_commit(numberOfKeys: number, ...args: (string | number)[]): Promise<number[]>;
  ducke_held_total(amounts: string, expiries: string): Promise<number>;
}

type ScriptedRedis = Redis & ScriptCommands;

export interface RedisStoreOptions {
  /** A command fails after this long instead of waiting on a frozen server. */
  commandTimeoutMs: number;
  /** Prepended to every key and channel, so several apps can share one Redis. */
  prefix?: string;
  /** How often the connection is probed to keep health() current. */
  healthProbeMs?: number;
}

/** The host:port of a Redis URL, without credentials, for logs and /status. */
export function redisHostOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '6379'}`;
}

/**
 * State in Redis, shared by every instance. Commands fail fast when Redis is down or frozen
 * (no offline queue, a short command timeout), so callers decide quickly whether to fall back
 * (request limits) or fail closed (money).
 */
export class RedisStore implements StateStore {
  readonly backend = 'redis' as const;
  private readonly logger = new Logger(RedisStore.name);
  private readonly client: ScriptedRedis;
  private readonly subscriber: Redis;
  private readonly prefix: string;
  private readonly handlers = new Map<string, Set<MessageHandler>>();
  /** Called after each (re)connection of the event connection, once its subscriptions are confirmed. */
  private readonly missedListeners = new Set<() => void>();
  /** SUBSCRIBE commands not yet acknowledged. */
  private readonly pendingSubscriptions = new Set<Promise<unknown>>();
  private readonly probe: NodeJS.Timeout;
  private lastFailure: string | undefined = 'not connected yet';
  private closing = false;
  private readonly commandTimeoutMs: number;

  constructor(url: string, options: RedisStoreOptions) {
    this.prefix = options.prefix ?? 'ducke:';
    const common: RedisOptions = {
      connectionName: 'ducke',
      // Reconnect forever, backing off to 2 s; each attempt is cheap and Redis may come back.
      retryStrategy: (attempt) => Math.min(100 * attempt, 2_000),
      connectTimeout: 2_000,
      lazyConnect: false,
    };
    this.commandTimeoutMs = options.commandTimeoutMs;
    this.client = new Redis(url, {
      ...common,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // Callers give up after commandTimeoutMs (run()); this backstop only clears commands a frozen
      // Redis never answers, so they do not pile up in memory.
      commandTimeout: options.commandTimeoutMs * 4,
    }) as ScriptedRedis;
    // The subscriber only sends SUBSCRIBE; ioredis re-subscribes by itself after a reconnect.
    this.subscriber = new Redis(url, { ...common, enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.defineScripts();
    this.client.on('ready', () => this.markHealthy());
    this.client.on('error', (error: Error) => this.markFailed(error.message));
    this.client.on('close', () => this.markFailed('connection closed'));
    this.subscriber.on('error', () => undefined); // state is tracked on the main client
    this.subscriber.on('message', (channel: string, payload: string) => this.dispatch(channel, payload));
    this.subscriber.on('ready', () => void this.confirmAfterConnect());
    this.probe = setInterval(() => void this.ping(), options.healthProbeMs ?? 1_000).unref();
  }

  async increment(key: string, windowMs: number, by = 1): Promise<CounterResult> {
    assertInteger('by', by);
    const [value, ttl] = await this.run(() => this.client.ducke_increment(this.key(key), windowMs, by));
    return { value, resetInMs: ttl };
  }

  async addToWindow(key: string, amount: number, windowMs: number): Promise<number> {
    assertInteger('amount', amount);
    return this.run(() => this.client.ducke_window_add(this.key(key), amount, windowMs));
  }

  async sumWindow(key: string, windowMs: number): Promise<number> {
    return this.run(() => this.client.ducke_window_sum(this.key(key), windowMs));
  }

  async placeHold(request: HoldRequest): Promise<HoldResult> {
    assertInteger('amount', request.amount);
    const [granted, committed, held] = await this.run(() =>
      this.client.ducke_place_hold(
        this.key(request.window.key),
        this.key(`${request.poolKey}:amounts`),
        this.key(`${request.poolKey}:expiries`),
        request.window.windowMs,
        request.holdId,
        request.amount,
        Math.ceil(request.ttlMs),
        Math.floor(request.cap),
      ),
    );
    return { granted: granted === 1, committed, held };
  }

  async commit(request: CommitRequest): Promise<number[]> {
    assertInteger('amount', request.amount);
    const poolAmounts = this.key(request.hold ? `${request.hold.poolKey}:amounts` : 'no-pool');
    const once = this.key(request.once ? request.once.key : 'no-once');
    const keys = [poolAmounts, once, ...request.windows.map((window) => this.key(window.key))];
    const onceTtl = request.once ? Math.max(1, Math.ceil(request.once.ttlMs)) : '';
    const args = [request.amount, request.hold?.holdId ?? '', onceTtl, ...request.windows.map((window) => window.windowMs)];
    return this.run(() => this.client.ducke_commit(keys.length, ...keys, ...args));
  }

  async releaseHold(poolKey: string, holdId: string): Promise<void> {
    await this.run(() =>
      this.client
        .multi()
        .hdel(this.key(`${poolKey}:amounts`), holdId)
        .zrem(this.key(`${poolKey}:expiries`), holdId)
        .exec(),
    );
  }

  async heldTotal(poolKey: string): Promise<number> {
    return this.run(() => this.client.ducke_held_total(this.key(`${poolKey}:amounts`), this.key(`${poolKey}:expiries`)));
  }

  async get<T>(key: string): Promise<T | undefined> {
    const json = await this.run(() => this.client.get(this.key(key)));
    return json === null ? undefined : (JSON.parse(json) as T);
  }

  async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    await this.run(() => this.client.set(this.key(key), JSON.stringify(value), 'PX', Math.max(1, Math.ceil(ttlMs))));
  }

  async setIfAbsent<T>(key: string, value: T, ttlMs: number): Promise<boolean> {
    const result = await this.run(() =>
      this.client.set(this.key(key), JSON.stringify(value), 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX'),
    );
    return result === 'OK';
  }

  async delete(key: string): Promise<void> {
    await this.run(() => this.client.del(this.key(key)));
  }

  async publish(channel: string, message: unknown): Promise<void> {
    await this.run(() => this.client.publish(this.channel(channel), JSON.stringify(message)));
  }

  subscribe(channel: string, handler: MessageHandler, onMissed?: () => void): () => void {
    const name = this.channel(channel);
    let set = this.handlers.get(name);
    if (!set) {
      set = new Set();
      this.handlers.set(name, set);
      this.pending(this.subscriber.subscribe(name)).catch((error: Error) => this.logger.warn(`subscribe ${channel} failed: ${error.message}`));
    }
    set.add(handler);
    const missed = onMissed && (() => onMissed());
    if (missed) this.missedListeners.add(missed);
    return () => {
      set.delete(handler);
      if (missed) this.missedListeners.delete(missed);
      if (set.size === 0) {
        this.handlers.delete(name);
        this.subscriber.unsubscribe(name).catch(() => undefined);
      }
    };
  }

  async subscriptionsReady(timeoutMs: number): Promise<boolean> {
    const pending = [...this.pendingSubscriptions];
    if (pending.length === 0) return this.handlers.size === 0 || this.subscriber.status === 'ready';
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const confirmed = Promise.allSettled(pending).then(() => this.subscriber.status === 'ready');
    try {
      return await Promise.race([confirmed, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  health(): StoreHealth {
    if (this.client.status !== 'ready') return { backend: 'redis', ok: false, reason: `redis ${this.client.status}` };
    return this.lastFailure ? { backend: 'redis', ok: false, reason: this.lastFailure } : { backend: 'redis', ok: true };
  }

  /** Resolves once the first connection is ready, or after `timeoutMs` (boot never blocks on Redis). */
  async waitUntilReady(timeoutMs: number): Promise<boolean> {
    if (this.client.status === 'ready') return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.client.once('ready', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.probe);
    this.handlers.clear();
    this.missedListeners.clear();
    // disconnect(), not quit(): quit waits for a reply a frozen Redis never sends.
    this.client.disconnect();
    this.subscriber.disconnect();
  }

  /**
   * ioredis re-sends SUBSCRIBE by itself after a reconnect but tells nobody when it is confirmed,
   * and whatever was published during the gap is gone. Subscribing again (idempotent in Redis) and
   * waiting for that reply orders it after the automatic one; then listeners reconcile, so nothing
   * published before the confirmation is missed and nothing after it can be.
   */
  private async confirmAfterConnect(): Promise<void> {
    const channels = [...this.handlers.keys()];
    if (channels.length === 0 || this.closing) return;
    try {
      await this.pending(this.subscriber.subscribe(...channels));
    } catch (error) {
      this.logger.warn(`re-subscribe failed: ${(error as Error).message}`);
      return;
    }
    for (const listener of [...this.missedListeners]) deliver(listener, undefined);
  }

  /** Track a SUBSCRIBE until Redis acknowledges it (see subscriptionsReady). */
  private pending<T>(command: Promise<T>): Promise<T> {
    this.pendingSubscriptions.add(command);
    const settle = () => this.pendingSubscriptions.delete(command);
    command.then(settle, settle);
    return command;
  }

  private async ping(): Promise<void> {
    try {
      await this.run(() => this.client.ping());
    } catch {
      // run() recorded the failure
    }
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      const result = await withDeadline(command(), this.commandTimeoutMs);
      this.markHealthy();
      return result;
    } catch (error) {
      this.markFailed((error as Error).message);
      throw error;
    }
  }

  private markHealthy(): void {
    if (this.lastFailure !== undefined) {
      this.lastFailure = undefined;
      this.logger.log('Redis reachable');
    }
  }

  private markFailed(reason: string): void {
    if (this.lastFailure === undefined && !this.closing) this.logger.warn(`Redis unavailable: ${reason}`);
    this.lastFailure = reason;
  }

  private dispatch(channel: string, payload: string): void {
    const handlers = this.handlers.get(channel);
    if (!handlers) return;
    let message: unknown;
    try {
      message = JSON.parse(payload);
    } catch {
      this.logger.warn(`dropped a malformed event on ${channel}`);
      return;
    }
    for (const handler of handlers) deliver(handler, message);
  }

  private key(key: string): string {
    return this.prefix + key;
  }

  private channel(channel: string): string {
    return `${this.prefix}events:${channel}`;
  }

  private defineScripts(): void {
    this.client.defineCommand('ducke_increment', { numberOfKeys: 1, lua: INCREMENT });
    this.client.defineCommand('ducke_window_add', { numberOfKeys: 1, lua: WINDOW_ADD });
    this.client.defineCommand('ducke_window_sum', { numberOfKeys: 1, lua: WINDOW_SUM });
    this.client.defineCommand('ducke_place_hold', { numberOfKeys: 3, lua: PLACE_HOLD });
    this.client.defineCommand('ducke_commit', { lua: COMMIT }); // key count passed per call
    this.client.defineCommand('ducke_held_total', { numberOfKeys: 2, lua: HELD_TOTAL });
  }
}
