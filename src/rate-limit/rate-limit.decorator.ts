import { Reflector } from '@nestjs/core';
import type { HttpLimitedRoute } from './rate-limit-policies';

/**
 * Opt a route in to one configured limit: `@RateLimit('status')` applies RATE_LIMIT_STATUS.
 * Routes without it (static assets, /metrics…) are never limited by the guard.
 */
export const RateLimit = Reflector.createDecorator<HttpLimitedRoute>();
