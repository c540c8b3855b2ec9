import type { ConfigType } from '@nestjs/config';
import type { RateLimitRule } from '../config/env-parsers';
import { rateLimitConfig } from '../config/rate-limit.config';

/** Everything that is rate limited; also the `route` label of `rate_limit_exceeded_total`. */
export type LimitedRoute = 'status' | 'main_page' | 'websocket' | 'weather' | 'web_search';

/** The routes limited by the HTTP guard (the others are counted by the session limiters). */
export type HttpLimitedRoute = Extract<LimitedRoute, 'status' | 'main_page'>;

export const HTTP_LIMITED_ROUTES: readonly HttpLimitedRoute[] = ['status', 'main_page'];

export type RateLimitPolicies = Record<LimitedRoute, RateLimitRule>;

/** Each route's `<count>/<window>` from configuration (the README's configuration table). */
export function policiesFrom(config: ConfigType<typeof rateLimitConfig>): RateLimitPolicies {
  return {
    status: config.status,
    main_page: config.mainPage,
    websocket: config.websocket,
    weather: config.weatherApi,
    web_search: config.webSearch,
  };
}

/**
 * The store key one client (or, with auth, one user) counts against on one route. Keys hold no
 * secret, but never reach logs or metric labels.
 */
export function rateLimitKey(route: LimitedRoute, subject: string): string {
  return `rl:${route}:${subject}`;
}

export function userRateLimitKey(route: LimitedRoute, userKey: string): string {
  return rateLimitKey(route, `user:${userKey}`);
}
