import { Global, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule, type ThrottlerModuleOptions } from '@nestjs/throttler';
import { CONNECT_LIMIT_PARTICIPANT } from '../common/session-lifecycle';
import { CONNECT_LIMITER, MESSAGE_LIMITER, TOOL_LIMITER } from '../common/session-ports';
import { rateLimitConfig } from '../config/rate-limit.config';
import { ConnectLimitParticipant } from './connect-limit.participant';
import { ConnectLimiterService } from './connect-limiter.service';
import { EarlyRefusalService } from './early-refusal.service';
import { HttpRefusalsService } from './http-refusals.service';
import { MessageLimiterService } from './message-limiter.service';
import { HTTP_LIMITED_ROUTES, policiesFrom } from './rate-limit-policies';
import { RateLimitStatusReporter } from './rate-limit-status.reporter';
import { RateLimitStorageModule } from './rate-limit-storage.module';
import { RateLimitGuard } from './rate-limit.guard';
import { exceededCounterProvider } from './rate-limit.metrics';
import { RefusalLogService } from './refusal-log.service';
import { SessionRateLimiter } from './session-rate-limiter.service';
import { StateStoreThrottlerStorage } from './state-store-throttler.storage';
import { ToolLimiterService } from './tool-limiter.service';

/**
 * One named throttler per HTTP route, from RATE_LIMIT_STATUS / RATE_LIMIT_MAIN_PAGE; each applies
 * only to the routes marked `@RateLimit(<its name>)`.
 */
export function throttlerOptions(config: ConfigType<typeof rateLimitConfig>, storage: StateStoreThrottlerStorage): ThrottlerModuleOptions {
  const policies = policiesFrom(config);
  return {
    throttlers: HTTP_LIMITED_ROUTES.map((route) => ({ name: route, limit: policies[route].limit, ttl: policies[route].windowMs })),
    storage,
  };
}

/**
 * Rate limits (RATE_LIMIT_*): the global HTTP guard on `@RateLimit` routes, and what the session
 * side injects — the connect limit's session participant (and CONNECT_LIMITER itself), TOOL_LIMITER
 * (tool calls) and MESSAGE_LIMITER (inbound messages of a connection). Global, so RealtimeModule
 * and ToolsModule inject the tokens without importing this module.
 */
@Global()
@Module({
  imports: [
    RateLimitStorageModule,
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStorageModule],
      inject: [rateLimitConfig.KEY, StateStoreThrottlerStorage],
      useFactory: throttlerOptions,
    }),
  ],
  providers: [
    exceededCounterProvider,
    SessionRateLimiter,
    ConnectLimiterService,
    ToolLimiterService,
    RateLimitStatusReporter,
    RefusalLogService,
    HttpRefusalsService,
    EarlyRefusalService,
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: CONNECT_LIMITER, useExisting: ConnectLimiterService },
    { provide: TOOL_LIMITER, useExisting: ToolLimiterService },
    ConnectLimitParticipant,
    { provide: CONNECT_LIMIT_PARTICIPANT, useExisting: ConnectLimitParticipant },
    MessageLimiterService,
    { provide: MESSAGE_LIMITER, useExisting: MessageLimiterService },
  ],
  exports: [CONNECT_LIMITER, TOOL_LIMITER, CONNECT_LIMIT_PARTICIPANT, MESSAGE_LIMITER, EarlyRefusalService],
})
export class RateLimitModule {}
