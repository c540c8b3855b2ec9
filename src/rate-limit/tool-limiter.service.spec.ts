import { Counter, Gauge } from 'prom-client';
import { ManualClock } from '../common/clock';
import { parseRateLimit } from '../config/env-parsers';
import { MemoryStore } from '../storage/memory.store';
import { LimitCounter } from './limit-counter.service';
import { SessionRateLimiter } from './session-rate-limiter.service';
import { StateStoreThrottlerStorage } from './state-store-throttler.storage';
import { ToolLimiterService } from './tool-limiter.service';

function build() {
  const clock = new ManualClock();
  const counter = new LimitCounter(
    new MemoryStore(clock),
    clock,
    new Gauge({ name: 'fallback_test', help: 'test', registers: [] }),
    new Counter({ name: 'errors_test', help: 'test', registers: [] }),
  );
  const rule = (text: string) => parseRateLimit(text)!;
  const config = {
    enabled: true,
    status: rule('60/minute'),
    mainPage: rule('30/minute'),
    websocket: rule('5/minute'),
    weatherApi: rule('3/hour'),
    webSearch: rule('2/hour'),
  };
  const exceeded = new Counter({ name: 'exceeded_test', help: 'test', labelNames: ['route'], registers: [] });
  return { clock, limiter: new ToolLimiterService(new SessionRateLimiter(config, new StateStoreThrottlerStorage(counter), exceeded)) };
}

const identity = { ip: '198.51.100.7', clientKey: '198.51.100.7' };

describe('ToolLimiterService', () => {
  it('holds weather to RATE_LIMIT_WEATHER_API and web_search to RATE_LIMIT_WEB_SEARCH, each on its own budget', async () => {
    const { clock, limiter } = build();
    for (let i = 0; i < 2; i++) expect(await limiter.consume('web_search', identity)).toEqual({ allowed: true });
    expect(await limiter.consume('web_search', identity)).toEqual({ allowed: false, retryAfterSec: 3_600 });

    for (let i = 0; i < 3; i++) expect(await limiter.consume('weather', identity)).toEqual({ allowed: true });
    clock.advance(600_000);
    expect(await limiter.consume('weather', identity)).toEqual({ allowed: false, retryAfterSec: 3_000 });
  });
});
