import { Injectable, NestMiddleware } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { NextFunction, Request, Response } from 'express';
import type { ServerResponse } from 'node:http';
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

type DurationChild = ReturnType<Histogram<'route' | 'method' | 'status'>['labels']>;

/** When the request's timing started (performance.now() ms), and who records it, kept on the response. */
const STARTED_AT = Symbol('ducke.requestStartedAt');
const TIMER = Symbol('ducke.requestTimer');
type TimedResponse = Response & { [STARTED_AT]: number; [TIMER]: HttpMetricsMiddleware };

/** The one `finish` listener of every timed response (`this` is the response). */
function onResponseFinish(this: TimedResponse): void {
  this[TIMER].finished(this);
}

/**
 * Times every HTTP request from the first middleware to the last byte written. Mounted first by
 * configureApp (not as a route middleware) so static assets and 404s are timed too.
 *
 * Nothing is allocated per request: the start time is a number on the response, the one
 * `finish` listener is shared by all responses, and the labelled histogram children are cached
 * (route × method × status is small and bounded: route patterns and fixed labels only).
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  private readonly children = new Map<string, Map<string, Map<number, DurationChild>>>();

  constructor(@InjectMetric(HTTP_REQUEST_DURATION) private readonly duration: Histogram<'route' | 'method' | 'status'>) {}

  readonly use = (_request: Request, response: Response, next: NextFunction): void => {
    this.start(response);
    next();
  };

  /** Start timing a response (what `use` does, for a caller composing middleware itself). */
  start(response: ServerResponse): void {
    const timed = response as TimedResponse;
    timed[STARTED_AT] = performance.now();
    timed[TIMER] = this;
    // The route is known only after routing, so the labels are read when the response is done.
    response.once('finish', onResponseFinish);
  }

  /** Record one request answered outside Express (the early refusals), with its own labels. */
  observe(route: string, method: string, status: number, startedAt: number): void {
    this.child(route, methodLabelOf(method), status).observe((performance.now() - startedAt) / 1_000);
  }

  finished(response: TimedResponse): void {
    const request = response.req;
    this.observe(routeLabelOf(request), request.method, response.statusCode, response[STARTED_AT]);
  }

  private child(route: string, method: string, status: number): DurationChild {
    let byMethod = this.children.get(route);
    if (!byMethod) this.children.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let child = byStatus.get(status);
    if (!child) byStatus.set(status, (child = this.duration.labels(route, method, String(status))));
    return child;
  }
}
