import { Counter, Gauge } from 'prom-client';
import { ManualClock } from '../common/clock';
import { parseRateLimit } from '../config/env-parsers';
import { MemoryStore } from '../storage/memory.store';
import { ConnectLimiterService } from './connect-limiter.service';
import { LimitCounter } from './limit-counter.service';
import { SessionRateLimiter } from './session-rate-limiter.service';
import { StateStoreThrottlerStorage } from './state-store-throttler.storage';

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
    websocket: rule('2/minute'),
    weatherApi: rule('10/hour'),
    webSearch: rule('5/hour'),
  };
  const exceeded = new Counter({ name: 'exceeded_test', help: 'test', labelNames: ['route'], registers: [] });
  return { clock, limiter: new ConnectLimiterService(new SessionRateLimiter(config, new StateStoreThrottlerStorage(counter), exceeded)) };
}

const identity = { ip: '198.51.100.7', clientKey: '198.51.100.7' };

describe('ConnectLimiterService', () => {
  it('admits RATE_LIMIT_WEBSOCKET new connections, then refuses with rate_limited, plain words and retryAfterSec', async () => {
    const { clock, limiter } = build();
    expect(await limiter.admitConnection(identity)).toEqual({ admitted: true });
    clock.advance(15_000);
    expect(await limiter.admitConnection(identity)).toEqual({ admitted: true });
    expect(await limiter.admitConnection(identity)).toEqual({
      admitted: false,
      code: 'rate_limited',
      message: 'Too many new conversations from your connection. Try again in 45 s.',
      retryAfterSec: 45,
    });
    clock.advance(45_000);
    expect(await limiter.admitConnection(identity)).toEqual({ admitted: true });
  });
});
