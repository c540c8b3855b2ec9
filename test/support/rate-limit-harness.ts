import { Counter, Gauge } from 'prom-client';
import { ManualClock } from './manual-clock';
import { parseRateLimit } from '../../src/config/env-parsers';
import { rateLimitConfig } from '../../src/config/rate-limit.config';
import { MemoryStore } from '../../src/storage/memory.store';
import { LimitCounter } from '../../src/rate-limit/limit-counter.service';
import { SessionRateLimiter } from '../../src/rate-limit/session-rate-limiter.service';
import { StateStoreThrottlerStorage } from '../../src/rate-limit/state-store-throttler.storage';

export type RateLimitSettings = ReturnType<typeof rateLimitConfig>;

/** Rate-limit settings as the env would give them: `{ websocket: '2/minute' }` overrides one rule. */
export function rateLimitSettings(overrides: Partial<Record<Exclude<keyof RateLimitSettings, 'enabled'>, string>> & { enabled?: boolean } = {}): RateLimitSettings {
  const { enabled = true, ...rules } = overrides;
  const text = { status: '60/minute', mainPage: '30/minute', websocket: '5/minute', weatherApi: '10/hour', webSearch: '5/hour', sessionMessages: '5/second', ...rules };
  const rule = (value: string) => parseRateLimit(value)!;
  return {
    enabled,
    status: rule(text.status),
    mainPage: rule(text.mainPage),
    websocket: rule(text.websocket),
    weatherApi: rule(text.weatherApi),
    webSearch: rule(text.webSearch),
    sessionMessages: rule(text.sessionMessages),
  };
}

/** The real limiter chain (limiter → throttler storage → counter → MemoryStore) on a manual clock. */
export function sessionRateLimiterHarness(settings: RateLimitSettings = rateLimitSettings()) {
  const clock = new ManualClock();
  const store = new MemoryStore(clock);
  const counter = new LimitCounter(
    store,
    null, // the store is in memory already: no fallback

    new Gauge({ name: 'fallback_test', help: 'test', registers: [] }),
    new Counter({ name: 'errors_test', help: 'test', registers: [] }),
  );
  const exceeded = new Counter({ name: 'exceeded_test', help: 'test', labelNames: ['route'], registers: [] });
  const limiter = new SessionRateLimiter(settings, new StateStoreThrottlerStorage(counter), exceeded);
  return { clock, store, limiter, exceeded };
}
