import { Injectable, NestMiddleware } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { NextFunction, Request, Response } from 'express';
import type { Histogram } from 'prom-client';
import { HTTP_REQUEST_DURATION } from './metric-names';

/** Label for requests served by the static asset handler (no route pattern). */
export const STATIC_ROUTE = 'static';
/** Label for requests no route matched (404s, CORS preflights): never the raw path. */
export const UNMATCHED_ROUTE = 'unmatched';

const STATIC_PREFIX = '/static/';
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

interface ExpressRoute {
  path?: unknown;
  methods?: Record<string, boolean>;
}

/**
 * The pattern of the controller route that handled the request, if one did. Express leaves in
 * `request.route` the last route it dispatched, and Nest mounts route-wide middleware as
 * all-methods wildcard routes (`{/*splat}`): those are not handlers, so they do not count.
 */
function handlerPatternOf(request: Request): string | undefined {
  const route = request.route as ExpressRoute | undefined;
  if (typeof route?.path !== 'string' || route.methods?._all || route.path.includes('*')) return undefined;
  return `${request.baseUrl}${route.path}` || '/';
}

/**
 * The `route` label: the pattern of the route that handled the request (`/status`, never
 * `/status?x=…`), or one of two fixed labels. Raw paths would let any client mint time series.
 */
export function routeLabelOf(request: Request): string {
  const pattern = handlerPatternOf(request);
  if (pattern !== undefined) return pattern;
  return request.originalUrl.startsWith(STATIC_PREFIX) ? STATIC_ROUTE : UNMATCHED_ROUTE;
}

export function methodLabelOf(method: string): string {
  return KNOWN_METHODS.has(method) ? method : 'OTHER';
}

/**
 * Times every HTTP request from the first middleware to the last byte written. Mounted first by
 * configureApp (not as a route middleware) so static assets and 404s are timed too.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(@InjectMetric(HTTP_REQUEST_DURATION) private readonly duration: Histogram<'route' | 'method' | 'status'>) {}

  readonly use = (request: Request, response: Response, next: NextFunction): void => {
    const stop = this.duration.startTimer();
    // The route is known only after routing, so the labels are read when the response is done.
    response.once('finish', () => {
      stop({ route: routeLabelOf(request), method: methodLabelOf(request.method), status: String(response.statusCode) });
    });
    next();
  };
}
