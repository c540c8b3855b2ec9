import { Injectable } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { LimitCounter } from './limit-counter.service';

/** Not exported from the @nestjs/throttler root in 6.7.1. */
export type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * @nestjs/throttler's storage on our StateStore (through LimitCounter), so REDIS_URL moves every
 * limit to Redis with no other change. A fixed window: a client over the limit is blocked until
 * its window ends, so `blockDuration` is the rest of the window and the argument is not used.
 */
@Injectable()
export class StateStoreThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly counter: LimitCounter) {}

  async increment(key: string, ttl: number, limit: number, _blockDuration: number, _throttlerName: string): Promise<ThrottlerStorageRecord> {
    const { value, resetInMs } = await this.counter.hit(key, ttl);
    // Both times are whole seconds (the throttler's unit); never 0, so Retry-After is ≥ 1.
    const timeToExpire = Math.max(1, Math.ceil(resetInMs / 1000));
    const isBlocked = value > limit;
    return { totalHits: value, timeToExpire, isBlocked, timeToBlockExpire: isBlocked ? timeToExpire : 0 };
  }
}
