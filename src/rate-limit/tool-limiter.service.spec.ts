import { ToolLimiterService } from './tool-limiter.service';
import { rateLimitSettings, sessionRateLimiterHarness } from '../../test/support/rate-limit-harness';

function build() {
  const { clock, limiter } = sessionRateLimiterHarness(rateLimitSettings({ weatherApi: '3/hour', webSearch: '2/hour' }));
  return { clock, limiter: new ToolLimiterService(limiter) };
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
