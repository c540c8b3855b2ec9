import { ConnectLimiterService } from './connect-limiter.service';
import { rateLimitSettings, sessionRateLimiterHarness } from '../../test/support/rate-limit-harness';

function build() {
  const { clock, limiter } = sessionRateLimiterHarness(rateLimitSettings({ websocket: '2/minute' }));
  return { clock, limiter: new ConnectLimiterService(limiter) };
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
