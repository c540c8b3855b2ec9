import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge } from 'prom-client';
import { withDeadline } from '../common/deadline';
import { InjectLocalStore, InjectStore } from '../storage/inject-store.decorator';
import type { MemoryStore } from '../storage/memory.store';
import type { CounterResult, StateStore } from '../storage/state-store';
import { FALLBACK_ACTIVE, STORE_ERRORS } from './rate-limit.metrics';

/** No limiter decision waits longer than this on the shared store (RedisStore itself gives up at 250 ms). */
export const DECISION_DEADLINE_MS = 300;
/** While counting in memory, the shared store is tried this often; requests never probe it. */
export const PROBE_INTERVAL_MS = 1_000;
const PROBE_KEY = 'rl:probe';

export type CountingMode = 'memory' | 'redis' | 'memory-fallback';

/**
 * Fixed-window hit counting for every rate limit, on the StateStore chosen at boot: one atomic
 * `increment` per hit, so instances sharing Redis never over-admit.
 *
 * Request limits fail OPEN: when the shared store errors or is too slow, counting moves to an
 * in-memory store of this instance (limits then hold per instance) and a probe moves it back once
 * the shared store answers again. Requests never wait on a store that is known to be down.
 */
@Injectable()
export class LimitCounter implements OnApplicationShutdown {
  private readonly logger = new Logger(LimitCounter.name);
  /** Only when the primary store is shared: the per-instance insurance counter (the storage module's LOCAL_STORE). */
  private readonly fallback: MemoryStore | undefined;
  private fallbackActive = false;
  private probeTimer: NodeJS.Timeout | undefined;
  private probing = false;

  constructor(
    @InjectStore() private readonly store: StateStore,
    @InjectLocalStore() local: MemoryStore | null,
    @InjectMetric(FALLBACK_ACTIVE) private readonly fallbackGauge: Gauge,
    @InjectMetric(STORE_ERRORS) private readonly storeErrors: Counter,
  ) {
    this.fallback = local ?? undefined;
  }

  get mode(): CountingMode {
    if (!this.fallback) return 'memory';
    return this.fallbackActive ? 'memory-fallback' : 'redis';
  }

  /** Keys held by the per-instance fallback counter (bounded by distinct clients per window). */
  get fallbackKeys(): number {
    return this.fallback?.size ?? 0;
  }

  /** Count one hit on `key`; the window starts with the key's first hit and lasts `windowMs`. */
  hit(key: string, windowMs: number): Promise<CounterResult> {
    if (!this.fallback) return this.store.increment(key, windowMs);
    if (this.fallbackActive) return this.fallback.increment(key, windowMs);
    return this.hitShared(key, windowMs, this.fallback);
  }

  onApplicationShutdown(): void {
    this.stopProbing();
    if (this.fallbackActive) this.fallbackGauge.set(0);
  }

  private async hitShared(key: string, windowMs: number, fallback: MemoryStore): Promise<CounterResult> {
    try {
      return await withDeadline(this.store.increment(key, windowMs), DECISION_DEADLINE_MS);
    } catch (error) {
      this.storeErrors.inc();
      this.enterFallback((error as Error).message);
      return fallback.increment(key, windowMs);
    }
  }

  private enterFallback(reason: string): void {
    if (this.fallbackActive) return;
    this.fallbackActive = true;
    this.fallbackGauge.set(1);
    this.logger.warn(`Rate limits now counted in this instance's memory (shared store failed: ${reason})`);
    this.probeTimer = setInterval(() => void this.probe(), PROBE_INTERVAL_MS).unref();
  }

  /** One real increment on the shared store; success ends the fallback. */
  private async probe(): Promise<void> {
    if (this.probing || !this.fallbackActive) return;
    this.probing = true;
    try {
      await withDeadline(this.store.increment(PROBE_KEY, PROBE_INTERVAL_MS), DECISION_DEADLINE_MS);
      this.stopProbing();
      this.fallbackActive = false;
      this.fallbackGauge.set(0);
      this.logger.log('Rate limits counted in the shared store again');
    } catch {
      this.storeErrors.inc();
    } finally {
      this.probing = false;
    }
  }

  private stopProbing(): void {
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = undefined;
  }
}
