import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import type { HttpLimitedRoute } from './rate-limit-policies';
import { RATE_LIMIT_EXCEEDED } from './rate-limit.metrics';
import { RefusalLogService } from './refusal-log.service';

/**
 * Every HTTP request refused by a rate limit, whichever path refused it (EarlyRefusalService
 * before Express, RateLimitGuard after): counted in rate_limit_exceeded_total and logged by the
 * sampled refusal log, so the two paths can never count or log differently.
 */
@Injectable()
export class HttpRefusalsService {
  /** Bound once: a refusal in a flood costs no label lookup. */
  private readonly exceededOf: Record<HttpLimitedRoute, { inc(): void }>;

  constructor(
    @InjectMetric(RATE_LIMIT_EXCEEDED) exceeded: Counter<'route'>,
    private readonly log: RefusalLogService,
  ) {
    this.exceededOf = { status: exceeded.labels('status'), main_page: exceeded.labels('main_page') };
  }

  /** `key` is the limiter key (route and client); `ip` is only ever logged masked. */
  refused(route: HttpLimitedRoute, key: string, ip: string, retryAfterSec: number, requestId: string | undefined): void {
    this.exceededOf[route].inc();
    this.log.refused(route, key, ip, retryAfterSec, requestId);
  }
}
