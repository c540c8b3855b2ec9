import type { HttpLimitedRoute } from './rate-limit-policies';

export interface LimitState {
  route: HttpLimitedRoute;
  limit: number;
  windowMs: number;
  /** Hits counted in the current window, this one included. */
  hits: number;
  /** Whole seconds until the window ends. */
  resetSec: number;
}

/**
 * IETF RateLimit fields (draft-ietf-httpapi-ratelimit-headers, Structured Fields syntax):
 * `RateLimit-Policy: "status";q=60;w=60` and `RateLimit: "status";r=59;t=42`.
 */
export function rateLimitHeaders(state: LimitState): Record<'RateLimit-Policy' | 'RateLimit', string> {
  const windowSec = Math.max(1, Math.round(state.windowMs / 1000));
  const remaining = Math.max(0, state.limit - state.hits);
  return {
    'RateLimit-Policy': `"${state.route}";q=${state.limit};w=${windowSec}`,
    RateLimit: `"${state.route}";r=${remaining};t=${state.resetSec}`,
  };
}
