import { rateLimitHeaders } from './rate-limit-headers';

describe('rateLimitHeaders (IETF draft syntax)', () => {
  it('names the policy, its quota and window, and what is left until when', () => {
    expect(rateLimitHeaders({ route: 'status', limit: 60, windowMs: 60_000, hits: 1, resetSec: 60 })).toEqual({
      'RateLimit-Policy': '"status";q=60;w=60',
      RateLimit: '"status";r=59;t=60',
    });
  });

  it('never reports a negative remainder once over the limit', () => {
    expect(rateLimitHeaders({ route: 'main_page', limit: 30, windowMs: 60_000, hits: 45, resetSec: 12 }).RateLimit).toBe('"main_page";r=0;t=12');
  });

  it('gives the window in whole seconds for every configurable unit', () => {
    expect(rateLimitHeaders({ route: 'status', limit: 5, windowMs: 1_000, hits: 1, resetSec: 1 })['RateLimit-Policy']).toBe('"status";q=5;w=1');
    expect(rateLimitHeaders({ route: 'status', limit: 5, windowMs: 86_400_000, hits: 1, resetSec: 1 })['RateLimit-Policy']).toBe(
      '"status";q=5;w=86400',
    );
  });
});
