import { Logger } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { deliver, MessageHandler } from './state-store';

/**
 * The event half of RedisStore: one connection that only subscribes (Redis allows nothing else on
 * it), the handlers per channel, and the guarantee that a subscriber knows when it may have missed
 * something (after a reconnect) and when its subscriptions are confirmed.
 */
export class RedisEvents {
  private readonly logger = new Logger(RedisEvents.name);
  private readonly subscriber: Redis;
  private readonly handlers = new Map<string, Set<MessageHandler>>();
  /** Called after each (re)connection of the event connection, once its subscriptions are confirmed. */
  private readonly missedListeners = new Set<() => void>();
  /** SUBSCRIBE commands not yet acknowledged. */
  private readonly pendingSubscriptions = new Set<Promise<unknown>>();
  /**
   * Up and subscribed since the event connection last closed. Not ioredis's status alone: Redis
   * answers a SUBSCRIBE written while ioredis is still in 'connect', and that answer is what makes
   * the subscription live.
   */
  private connected = false;
  private closing = false;

  constructor(url: string, options: RedisOptions) {
    // ioredis re-subscribes by itself after a reconnect; confirmAfterConnect orders after it.
    // No ready check and no client info: ioredis writes SUBSCRIBE (a command Redis takes while
    // loading) as soon as the socket connects, and the check's INFO and CLIENT SETINFO, sent after
    // it, are refused in subscriber mode — "ready check failed", a reconnect, and the subscription
    // just confirmed is gone. Pub/sub has nothing to wait for while Redis loads its data.
    this.subscriber = new Redis(url, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null, enableReadyCheck: false, disableClientInfo: true });
    this.subscriber.on('error', () => undefined); // state is tracked on the store's command client
    this.subscriber.on('message', (channel: string, payload: string) => this.dispatch(channel, payload));
    this.subscriber.on('ready', () => {
      this.connected = true;
      void this.confirmAfterConnect();
    });
    this.subscriber.on('close', () => (this.connected = false));
  }

  subscribe(name: string, handler: MessageHandler, onMissed?: () => void): () => void {
    let set = this.handlers.get(name);
    if (!set) {
      set = new Set();
      this.handlers.set(name, set);
      this.pending(this.subscriber.subscribe(name)).catch((error: Error) => this.logger.warn(`subscribe ${name} failed: ${error.message}`));
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

  async ready(timeoutMs: number): Promise<boolean> {
    const pending = [...this.pendingSubscriptions];
    if (pending.length === 0) return this.handlers.size === 0 || this.connected;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const confirmed = Promise.all(pending).then(
      () => this.connected,
      () => false, // a refused SUBSCRIBE is no subscription
    );
    try {
      return await Promise.race([confirmed, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.closing = true;
    this.handlers.clear();
    this.missedListeners.clear();
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
    command.then(() => {
      this.connected = true;
      settle();
    }, settle);
    return command;
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
}
