import { RequestMethod } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { PinoLogger } from 'nestjs-pino';
import { wasRateLimited } from '../rate-limit/limit-decision';
import type { RequestWithId } from '../common/request-id';

/**
 * The admin routes keep pino-http: its per-request logger binds the request to what the handler
 * logs ("token revoked" carries the request id). Everywhere else that per-request child logger
 * and async context cost more than the rest of the request (≈ 200 µs of ≈ 400 µs on `/`,
 * measured), so RequestLog writes the same line instead.
 */
export const REQUEST_BOUND_ROUTES = [{ path: 'admin/{*path}', method: RequestMethod.ALL }];

/** Paths polled by machines (health probes, scrapes): their successes are logged at debug. */
const QUIET_PATHS: ReadonlySet<string> = new Set(['/status', '/healthz', '/readyz', '/metrics']);
const STATIC_PREFIX = '/static/';

const STARTED_AT = Symbol('ducke.requestLogStartedAt');
type WatchedResponse = ServerResponse & { [STARTED_AT]: number; req: RequestWithId & { log?: unknown; originalUrl?: string } };

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/** The one `finish` listener of every watched response (`this` is the response). */
function onFinish(this: WatchedResponse): void {
  const req = this.req;
  // pino-http logged it (REQUEST_BOUND_ROUTES), or the sampled refusal log did.
  if (req.log !== undefined || wasRateLimited(req)) return;
  const logger = PinoLogger.root;
  const path = pathOf(req.originalUrl ?? req.url ?? '');
  const quiet = this.statusCode < 400 && (QUIET_PATHS.has(path) || path.startsWith(STATIC_PREFIX));
  if (quiet && !logger.isLevelEnabled('debug')) return;
  // The raw req and res, as pino-http passes them: the logger's serializers keep id, method,
  // path and status only (logging.module.ts), never headers or the client address.
  const line = { req, res: this, responseTime: Date.now() - this[STARTED_AT] };
  if (quiet) logger.debug(line, 'request completed');
  else logger.info(line, 'request completed');
}

/**
 * The request log: one line per request when its response is finished, in pino-http's shape
 * (`req.id/method/path`, `res.statusCode`, `responseTime`), at info — at debug for successful
 * health probes, scrapes and static assets, which http_request_duration_seconds counts. One
 * shared listener; nothing is allocated for a request that writes no line.
 */
export class RequestLog {
  watch(res: ServerResponse): void {
    (res as WatchedResponse)[STARTED_AT] = Date.now();
    res.once('finish', onFinish);
  }
}
