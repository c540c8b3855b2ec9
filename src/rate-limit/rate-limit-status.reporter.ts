import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { rateLimitConfig } from '../config/rate-limit.config';
import { StatusRegistry, StatusSection } from '../common/status-registry';
import { LimitCounter } from './limit-counter.service';

/** The `rateLimit` section of /status: where limits are counted, degraded while in fallback. */
@Injectable()
export class RateLimitStatusReporter implements OnModuleInit {
  constructor(
    @Inject(rateLimitConfig.KEY) private readonly config: ConfigType<typeof rateLimitConfig>,
    private readonly counter: LimitCounter,
    private readonly registry: StatusRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register('rateLimit', () => this.section());
  }

  section(): StatusSection {
    if (!this.config.enabled) return { enabled: false };
    const counting = this.counter.mode;
    if (counting !== 'memory-fallback') return { enabled: true, counting };
    return {
      enabled: true,
      counting,
      degraded: 'rate limiting: shared store unreachable, limits are counted per instance in memory',
    };
  }
}
