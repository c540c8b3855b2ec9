import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { createHash } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { rateLimitConfig } from '../config/rate-limit.config';
import { newRequestIdFor } from '../common/request-id';
import { HttpMetricsMiddleware } from '../metrics/http-metrics.middleware';
import { SecurityHeaderSet } from '../security/security-header-set';
import { clientKey } from '../security/client-address';
import { ClientIdentityService } from '../security/client-identity.service';
import { HttpRefusalsService } from './http-refusals.service';
import { keepDecision } from './limit-decision';
import { rateLimitHeaders } from './rate-limit-headers';
import { RateLimitExceededException } from './rate-limit-exceeded.exception';
import { HttpLimitedRoute, policiesFrom, rateLimitKey } from './rate-limit-policies';
import { StateStoreThrottlerStorage } from './state-store-throttler.storage';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** The canonical path of each HTTP-limited route and the metric label of its handler. */
const ROUTE_OF_PATH: Readonly<Record<string, { route: HttpLimitedRoute; label: string }>> = {
  '/status': { route: 'status', label: '/status' },
  '/': { route: 'main_page', label: '/' },
};

/** Pre-built refusals kept per route (one per distinct Retry-After, so at most a window's seconds). */
const MAX_CACHED_REFUSALS = 600;

interface Refusal {
  /** [name, value, …] after the security and CORS headers: RateLimit*, Retry-After, Content-*, ETag. */
  headers: readonly string[];
  body: Buffer;
}

/**
 * Rate limits decided at the Node http layer, before Express: a refused GET/HEAD of `/status` or
 * `/` is answered here — routing, body parsing, the request log and Nest never run for it — in
 * one write from pre-built parts: the same status, headers (X-Request-Id, the security set,
 * CORS, RateLimit*, Retry-After, Content-Type/Length, ETag) and JSON body the guard's exception
 * would send through Express, counted in the same rate_limit_exceeded_total and request
 * histogram, logged by the same sampled refusal log.
 *
 * The decision is the one limiter's (the throttler storage on the StateStore, memory or Redis):
 * an admitted request carries it on to Express, where the guard reuses it instead of counting
 * again. Other spellings of these paths (`/status/`, `/STATUS`) fall through to the guard.
 */
@Injectable()
export class EarlyRefusalService {
  private readonly policies;
  private readonly refusals: Record<HttpLimitedRoute, Map<number, Refusal>> = { status: new Map(), main_page: new Map() };

  constructor(
    @Inject(rateLimitConfig.KEY) private readonly config: ConfigType<typeof rateLimitConfig>,
    private readonly storage: StateStoreThrottlerStorage,
    private readonly identity: ClientIdentityService,
    private readonly securityHeaders: SecurityHeaderSet,
    private readonly metrics: HttpMetricsMiddleware,
    private readonly httpRefusals: HttpRefusalsService,
  ) {
    this.policies = policiesFrom(config);
  }

  /** Put the early check in front of the server's request listeners (Express). */
  install(server: Server): void {
    if (!this.config.enabled) return;
    const listeners = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    const framework: RequestListener = listeners.length === 1 ? listeners[0] : (req, res) => listeners.forEach((listener) => listener(req, res));
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.handle(req, res, framework));
  }

  private handle(req: IncomingMessage, res: ServerResponse, framework: RequestListener): void {
    const target = req.method === 'GET' || req.method === 'HEAD' ? ROUTE_OF_PATH[pathOf(req.url)] : undefined;
    if (!target) return framework(req, res);
    const startedAt = performance.now();
    const ip = this.identity.ipOf(req);
    const key = rateLimitKey(target.route, clientKey(ip));
    const { limit, windowMs } = this.policies[target.route];
    this.storage.increment(key, windowMs, limit, windowMs, target.route).then(
      (record) => {
        if (!record.isBlocked) {
          keepDecision(req, { route: target.route, record, key });
          return framework(req, res);
        }
        this.refuse(req, res, target.route, record.timeToBlockExpire, key, ip);
        this.metrics.observe(target.label, req.method!, 429, startedAt);
      },
      // The counter falls back on its own; should it still fail, the guard decides.
      () => framework(req, res),
    );
  }

  private refuse(req: IncomingMessage, res: ServerResponse, route: HttpLimitedRoute, retryAfterSec: number, key: string, ip: string): void {
    const requestId = newRequestIdFor(req);
    const refusal = this.refusalFor(route, retryAfterSec);
    const headers = ['X-Request-Id', requestId, ...this.securityHeaders.forHost(req.headers.host).flat];
    // What CORS (enableCors in configureApp) adds for a listed cross-origin caller.
    const origin = req.headers.origin;
    if (origin && this.identity.origins.isListed(origin)) headers.push('Access-Control-Allow-Origin', origin, 'Vary', 'Origin');
    for (const part of refusal.headers) headers.push(part);
    res.writeHead(429, headers);
    res.end(req.method === 'HEAD' ? undefined : refusal.body);
    this.httpRefusals.refused(route, key, ip, retryAfterSec, requestId);
  }

  private refusalFor(route: HttpLimitedRoute, retryAfterSec: number): Refusal {
    const cached = this.refusals[route].get(retryAfterSec);
    if (cached) return cached;
    const { limit, windowMs } = this.policies[route];
    const limitHeaders = rateLimitHeaders({ route, limit, windowMs, hits: limit + 1, resetSec: retryAfterSec });
    const body = Buffer.from(JSON.stringify(new RateLimitExceededException(retryAfterSec).getResponse()));
    const refusal: Refusal = {
      headers: [
        'RateLimit-Policy', limitHeaders['RateLimit-Policy'],
        'RateLimit', limitHeaders.RateLimit,
        'Retry-After', String(retryAfterSec),
        'Content-Type', 'application/json; charset=utf-8',
        'Content-Length', String(body.length),
        'ETag', weakEtag(body),
      ],
      body,
    };
    if (this.refusals[route].size < MAX_CACHED_REFUSALS) this.refusals[route].set(retryAfterSec, refusal);
    return refusal;
  }
}

function pathOf(url: string | undefined): string {
  if (!url) return '';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/** The ETag Express gives a body it sends (its default `etag` setting: weak, SHA-1). */
function weakEtag(body: Buffer): string {
  const hash = createHash('sha1').update(body).digest('base64').substring(0, 27);
  return `W/"${body.length.toString(16)}-${hash}"`;
}
