import fc from 'fast-check';
import { clientKey } from '../security/client-address';
import { rateLimitSettings, sessionRateLimiterHarness } from '../../test/support/rate-limit-harness';

const build = (overrides: Parameters<typeof rateLimitSettings>[0] = {}) => sessionRateLimiterHarness(rateLimitSettings(overrides));

const client = (ip: string, userKey?: string) => ({ ip, clientKey: clientKey(ip), userKey });

describe('SessionRateLimiter', () => {
  it('admits the limit, then refuses with the seconds until the window ends', async () => {
    const { clock, limiter } = build();
    const alice = client('198.51.100.7');
    for (let i = 0; i < 5; i++) expect(await limiter.consume('websocket', alice)).toEqual({ allowed: true });
    expect(await limiter.consume('websocket', alice)).toEqual({ allowed: false, retryAfterSec: 60 });
    clock.advance(40_500);
    expect(await limiter.consume('websocket', alice)).toEqual({ allowed: false, retryAfterSec: 20 });
  });

  it('admits again once the window has passed (time, not traffic, frees it)', async () => {
    const { clock, limiter } = build();
    const alice = client('198.51.100.7');
    for (let i = 0; i < 6; i++) await limiter.consume('websocket', alice);
    clock.advance(59_999);
    expect((await limiter.consume('websocket', alice)).allowed).toBe(false);
    clock.advance(1);
    expect(await limiter.consume('websocket', alice)).toEqual({ allowed: true });
  });

  it('does not let one client use up another client’s budget; an IPv6 /64 is one client', async () => {
    const { limiter } = build();
    for (let i = 0; i < 6; i++) await limiter.consume('websocket', client(`2001:db8:1:2::${i + 1}`));
    expect((await limiter.consume('websocket', client('2001:db8:1:2:ffff::9'))).allowed).toBe(false);
    expect((await limiter.consume('websocket', client('2001:db8:1:3::1'))).allowed).toBe(true);
    expect((await limiter.consume('websocket', client('198.51.100.8'))).allowed).toBe(true);
  });

  it('with a user on the identity, counts per user across addresses as well as per address', async () => {
    const { limiter } = build();
    for (let i = 0; i < 5; i++) expect((await limiter.consume('websocket', client(`203.0.113.${i}`, 'user-1'))).allowed).toBe(true);
    // A sixth address, same user: refused by the user's bucket.
    expect((await limiter.consume('websocket', client('203.0.113.99', 'user-1'))).allowed).toBe(false);
    // Another user on an address that is still under its limit is admitted.
    expect((await limiter.consume('websocket', client('203.0.113.0', 'user-2'))).allowed).toBe(true);
  });

  it('keeps each route’s budget apart and counts refusals per route in rate_limit_exceeded_total', async () => {
    const { limiter, exceeded } = build();
    const alice = client('198.51.100.7');
    for (let i = 0; i < 6; i++) await limiter.consume('web_search', alice);
    expect((await limiter.consume('weather', alice)).allowed).toBe(true);
    expect((await limiter.consume('web_search', alice)).allowed).toBe(false);
    const values = (await exceeded.get()).values;
    expect(values).toEqual([{ labels: { route: 'web_search' }, value: 2 }]);
  });

  it('RATE_LIMIT_ENABLED=false admits everything and stores nothing', async () => {
    const { limiter, store } = build({ enabled: false });
    for (let i = 0; i < 50; i++) expect((await limiter.consume('websocket', client('198.51.100.7'))).allowed).toBe(true);
    expect(store.size).toBe(0);
  });

  it('holds 100,000 distinct clients as one key each, and none once their window is swept', async () => {
    const { clock, store, limiter } = build();
    for (let i = 0; i < 100_000; i++) {
      // 1,000 IPv6 /64s with 100 addresses each collapse to 1,000 keys; the IPv4 half stays distinct.
      const ip = i % 2 ? `2001:db8:${(i >> 1) % 1_000}::${(i >> 1).toString(16)}` : `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      await limiter.consume('websocket', client(ip));
    }
    expect(store.size).toBe(50_000 + 1_000);
    clock.advance(60_000);
    while (store.sweep() > 0) {
      /* the store's timer does this once a second */
    }
    expect(store.size).toBe(0);
  });

  it('property: decisions match a fixed window of 5/minute that starts at the first hit after the last one ended', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 1, max: 4 })), { minLength: 1, maxLength: 60 }),
        async (steps) => {
          const { clock, limiter } = build();
          const model = { start: -Infinity, count: 0 };
          const admittedAt: number[] = [];
          for (const [advanceMs, attempts] of steps) {
            clock.advance(advanceMs);
            for (let i = 0; i < attempts; i++) {
              const now = clock.now();
              if (now >= model.start + 60_000) Object.assign(model, { start: now, count: 0 });
              model.count++;
              const expected =
                model.count <= 5 ? { allowed: true } : { allowed: false, retryAfterSec: Math.ceil((model.start + 60_000 - now) / 1_000) };
              const decision = await limiter.consume('websocket', client('198.51.100.7'));
              expect(decision).toEqual(expected);
              if (decision.allowed) admittedAt.push(now);
            }
          }
          // Hence never more than 2 × limit across a window edge.
          for (const start of admittedAt) {
            expect(admittedAt.filter((t) => t >= start && t < start + 60_000).length).toBeLessThanOrEqual(10);
          }
        },
      ),
      { numRuns: 200, seed: 20261125 },
    );
  });

  it('property: a refused client that waits the advertised Retry-After is admitted', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 59_999 }), fc.integer({ min: 6, max: 20 }), async (offsetMs, attempts) => {
        const { clock, limiter } = build();
        const alice = client('198.51.100.7');
        await limiter.consume('websocket', alice);
        clock.advance(offsetMs);
        let last = await limiter.consume('websocket', alice);
        for (let i = 2; i < attempts; i++) last = await limiter.consume('websocket', alice);
        if (last.allowed) return;
        clock.advance(last.retryAfterSec * 1_000);
        expect((await limiter.consume('websocket', alice)).allowed).toBe(true);
      }),
      { numRuns: 200, seed: 20261125 },
    );
  });
});
