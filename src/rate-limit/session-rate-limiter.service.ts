import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectThrottlerStorage, type ThrottlerStorage } from '@nestjs/throttler';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import type { ClientIdentity, ToolLimitDecision } from '../common/session-ports';
import { rateLimitConfig } from '../config/rate-limit.config';
import { LimitedRoute, policiesFrom, RateLimitPolicies, rateLimitKey, userRateLimitKey } from './rate-limit-policies';
import { RATE_LIMIT_EXCEEDED } from './rate-limit.metrics';

const ALLOWED: ToolLimitDecision = Object.freeze({ allowed: true });

/**
 * Limits outside HTTP routes (new /session connections, tool calls): one hit per client key and,
 * when the identity carries a user (auth on), one per user; refused when either is over.
 */
@Injectable()
export class SessionRateLimiter {
  private readonly policies: RateLimitPolicies;

  constructor(
    @Inject(rateLimitConfig.KEY) private readonly config: ConfigType<typeof rateLimitConfig>,
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    @InjectMetric(RATE_LIMIT_EXCEEDED) private readonly exceeded: Counter<'route'>,
  ) {
    this.policies = policiesFrom(config);
  }

  async consume(route: LimitedRoute, identity: ClientIdentity): Promise<ToolLimitDecision> {
    if (!this.config.enabled) return ALLOWED;
    const { limit, windowMs } = this.policies[route];
    const keys = [rateLimitKey(route, identity.clientKey)];
    if (identity.userKey) keys.push(userRateLimitKey(route, identity.userKey));

    const records = await Promise.all(keys.map((key) => this.storage.increment(key, windowMs, limit, windowMs, route)));
    const blocked = records.filter((record) => record.isBlocked);
    if (!blocked.length) return ALLOWED;
    this.exceeded.inc({ route });
    return { allowed: false, retryAfterSec: Math.max(...blocked.map((record) => record.timeToBlockExpire)) };
  }
}
