import type { IncomingMessage } from 'node:http';
import type { HttpLimitedRoute } from './rate-limit-policies';
import type { ThrottlerStorageRecord } from './state-store-throttler.storage';

/** The one limiter decision taken for a request, kept on it so nothing counts it twice. */
export interface LimitDecision {
  route: HttpLimitedRoute;
  record: ThrottlerStorageRecord;
  /** The limiter key it was counted on. */
  key: string;
}

const DECISION = Symbol('ducke.limitDecision');

type RequestWithDecision = IncomingMessage & { [DECISION]?: LimitDecision };

/**
 * Requests are counted once, by whichever path sees them first: the early refusals at the Node
 * http layer (canonical paths) or the guard (every other spelling Express routes to the same
 * handler). The early path leaves its decision here for the guard to reuse.
 */
export function decisionOf(req: IncomingMessage): LimitDecision | undefined {
  return (req as RequestWithDecision)[DECISION];
}

export function keepDecision(req: IncomingMessage, decision: LimitDecision): void {
  (req as RequestWithDecision)[DECISION] = decision;
}

/** True when the request was refused by a rate limit (its log line is the sampled one). */
export function wasRateLimited(req: IncomingMessage): boolean {
  return decisionOf(req)?.record.isBlocked === true;
}
