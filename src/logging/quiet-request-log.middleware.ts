import { RequestMethod } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { PinoLogger } from 'nestjs-pino';
import { wasRateLimited } from '../rate-limit/limit-decision';
import type { RequestWithId } from '../common/request-id';

/**
 * Routes polled by machines (health probes, scrapes) whose successful answers are not worth an
 * info line each. pino-http (its per-request child logger and async context) is not mounted on
 * them: they are counted in http_request_duration_seconds and logged here, at debug when they
 * succeed. Static assets, served ahead of Nest's middleware, are logged here the same way.
 */
export const QUIET_ROUTES = [
  { path: 'status', method: RequestMethod.GET },
  { path: 'healthz', method: RequestMethod.GET },
  { path: 'readyz', method: RequestMethod.GET },
  { path: 'metrics', method: RequestMethod.GET },
];

const STARTED_AT = Symbol('ducke.quietLogStartedAt');
type WatchedResponse = ServerResponse & { [STARTED_AT]: number; req: RequestWithId & { log?: unknown } };

/** The one `finish` listener of every watched response (`this` is the response). */
function onFinish(this: WatchedResponse): void {
  const req = this.req;
  // pino-http logged it (every route but QUIET_ROUTES and assets), or the refusal log did.
  if (req.log !== undefined || wasRateLimited(req)) return;
  const status = this.statusCode;
  const logger = PinoLogger.root;
  const failed = status >= 400;
  if (!failed && !logger.isLevelEnabled('debug')) return;
  const line = { req: { id: req.id, method: req.method, url: req.url ?? '' }, res: { statusCode: status }, responseTime: Date.now() - this[STARTED_AT] };
  if (failed) logger.info(line, 'request completed');
  else logger.debug(line, 'request completed');
}

/**
 * The request log of what pino-http does not see: a failure at info (as pino-http would), a
 * success at debug. One shared listener, nothing allocated per request unless a line is written.
 */
export class QuietRequestLog {
  watch(res: ServerResponse): void {
    (res as WatchedResponse)[STARTED_AT] = Date.now();
    res.once('finish', onFinish);
  }
}
