import { Injectable } from '@nestjs/common';
import type { ClientIdentity, LimitedTool, ToolLimitDecision, ToolLimiter } from '../common/session-ports';
import type { LimitedRoute } from './rate-limit-policies';
import { SessionRateLimiter } from './session-rate-limiter.service';

const ROUTE_OF_TOOL: Record<LimitedTool, LimitedRoute> = { weather: 'weather', web_search: 'web_search', web_fetch: 'web_fetch' };

/** TOOL_LIMITER: RATE_LIMIT_WEATHER_API, RATE_LIMIT_WEB_SEARCH and RATE_LIMIT_WEB_FETCH, checked before any upstream call. */
@Injectable()
export class ToolLimiterService implements ToolLimiter {
  constructor(private readonly limiter: SessionRateLimiter) {}

  consume(tool: LimitedTool, identity: ClientIdentity): Promise<ToolLimitDecision> {
    return this.limiter.consume(ROUTE_OF_TOOL[tool], identity);
  }
}
