import { rateLimitSettings } from '../../test/support/rate-limit-harness';
import { MessageLimiterService } from './message-limiter.service';

describe('MessageLimiterService (RATE_LIMIT_SESSION_MESSAGES)', () => {
  it('gives each connection its own bucket: 4 s of the rate saved up, then the rate', () => {
    const limiter = new MessageLimiterService(rateLimitSettings({ sessionMessages: '5/second' }));
    const clock = { t: 0 };
    const bucket = limiter.forConnection(() => clock.t);
    const taken = Array.from({ length: 25 }, () => bucket.take()).filter(Boolean);
    expect(taken).toHaveLength(20);
    expect(limiter.forConnection(() => clock.t).take()).toBe(true); // another connection is unaffected
    clock.t += 1_000;
    expect(Array.from({ length: 10 }, () => bucket.take()).filter(Boolean)).toHaveLength(5);
  });

  it('reads other rates the same way (60/minute → 1 a second, 4 saved up)', () => {
    const limiter = new MessageLimiterService(rateLimitSettings({ sessionMessages: '60/minute' }));
    expect(limiter.rule).toEqual({ perSecond: 1, burst: 4 });
  });

  it('limits nothing with RATE_LIMIT_ENABLED=false', () => {
    const bucket = new MessageLimiterService(rateLimitSettings({ enabled: false })).forConnection(() => 0);
    expect(Array.from({ length: 1_000 }, () => bucket.take()).every(Boolean)).toBe(true);
  });
});
