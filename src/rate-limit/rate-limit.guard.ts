import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { IncomingMessage } from 'node:http';
import type { Counter } from 'prom-client';
import { rateLimitConfig } from '../config/rate-limit.config';
import { ClientIdentityService } from '../security/security.module';
import { rateLimitHeaders } from './rate-limit-headers';
import { RateLimitExceededException } from './rate-limit-exceeded.exception';
import { HttpLimitedRoute, rateLimitKey } from './rate-limit-policies';
import { RateLimit } from './rate-limit.decorator';
import { RATE_LIMIT_EXCEEDED } from './rate-limit.metrics';

/**
 * The global HTTP guard: a route marked `@RateLimit(name)` is counted against the named
 * throttler of the same name, per client key (TRUST_PROXY rule, IPv6 /64). Every limited response
 * carries the IETF RateLimit fields; over the limit it is a 429 with a plain `Retry-After`.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly identity: ClientIdentityService,
    @Inject(rateLimitConfig.KEY) private readonly config: ConfigType<typeof rateLimitConfig>,
    @InjectMetric(RATE_LIMIT_EXCEEDED) private readonly exceeded: Counter<'route'>,
  ) {
    super(options, storage, reflector);
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return !this.config.enabled || context.getType() !== 'http' || !this.routeOf(context);
  }

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const { context, limit, ttl, throttler, blockDuration, getTracker, generateKey } = request;
    const route = this.routeOf(context);
    // The guard runs every named throttler; only the one this route opted in to counts.
    if (!route || throttler.name !== route) return true;

    const { req, res } = this.getRequestResponse(context);
    const key = generateKey(context, await getTracker(req, context), route);
    const record = await this.storageService.increment(key, ttl, limit, blockDuration, route);

    const headers = rateLimitHeaders({ route, limit, windowMs: ttl, hits: record.totalHits, resetSec: record.timeToExpire });
    for (const [name, value] of Object.entries(headers)) this.setResponseHeader(res, name, value);
    if (!record.isBlocked) return true;

    this.exceeded.inc({ route });
    this.setResponseHeader(res, 'Retry-After', record.timeToBlockExpire);
    throw new RateLimitExceededException(record.timeToBlockExpire);
  }

  /** The same client rule as WebSocket upgrades: ClientIdentityService, not Express's req.ip. */
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    return this.identity.keyOf(req as unknown as IncomingMessage);
  }

  /** One bucket per route and client, shared by every instance (not the throttler's per-handler hash). */
  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return rateLimitKey(name as HttpLimitedRoute, tracker);
  }

  private routeOf(context: ExecutionContext): HttpLimitedRoute | undefined {
    return this.reflector.get(RateLimit, context.getHandler());
  }
}
