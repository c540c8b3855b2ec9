import { Injectable, NestMiddleware, RequestMethod } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PinoLogger } from 'nestjs-pino';
import { wasRateLimited } from '../rate-limit/limit-decision';
import type { RequestWithId } from './request-id';

/**
 * Routes polled by machines (health probes, scrapes) whose successful answers are not worth an
 * info line each: they are counted in http_request_duration_seconds, logged at debug, and skip
 * pino-http (and its per-request logger and async context) altogether. Static assets are served
 * ahead of Nest's middleware and are not logged at all.
 */
export const QUIET_ROUTES = [
  { path: 'status', method: RequestMethod.GET },
  { path: 'healthz', method: RequestMethod.GET },
  { path: 'readyz', method: RequestMethod.GET },
  { path: 'metrics', method: RequestMethod.GET },
];

const STARTED_AT = Symbol('ducke.quietLogStartedAt');
type QuietResponse = ServerResponse & { [STARTED_AT]: number; req: RequestWithId };

/** The one `finish` listener of every quiet request (`this` is the response). */
function onQuietFinish(this: QuietResponse): void {
  const status = this.statusCode;
  const failed = status >= 400 && !wasRateLimited(this.req);
  const logger = PinoLogger.root;
  // A refusal has its own sampled line (RefusalLogService); a failure is worth an info line.
  if (!failed && (status === 429 || !logger.isLevelEnabled('debug'))) return;
  const req = this.req;
  const line = { req: { id: req.id, method: req.method, url: req.url ?? '' }, res: { statusCode: status }, responseTime: Date.now() - this[STARTED_AT] };
  if (failed) logger.info(line, 'request completed');
  else logger.debug(line, 'request completed');
}

/** The request log of QUIET_ROUTES (pino-http logs every other route). */
@Injectable()
export class QuietRequestLogMiddleware implements NestMiddleware {
  use(_req: IncomingMessage, res: ServerResponse, next: () => void): void {
    (res as QuietResponse)[STARTED_AT] = Date.now();
    res.once('finish', onQuietFinish);
    next();
  }
}
