import { NestFactory } from '@nestjs/core';
import type { ConfigType } from '@nestjs/config';
import { NestExpressApplication } from '@nestjs/platform-express';
import cors from 'cors';
import { json, urlencoded, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { AppModule } from './app.module';
import { securityConfig } from './config/security.config';
import { QuietFrameworkLogger } from './logging/quiet-framework.logger';
import { RequestLog } from './logging/request-log';
import { requestIdOf, type RequestWithId } from './common/request-id';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { STATIC_DIR } from './page/views-path';
import { EarlyRefusalService } from './rate-limit/early-refusal.service';
import { SessionWsAdapter } from './realtime/session-ws.adapter';
import { limitHttpServer } from './security/http-server-limits';
import { ClientIdentityService } from './security/client-identity.service';
import { SecurityHeaderSet } from './security/security-header-set';
import { parseBodiesExceptGetHead } from './security/body-parsers';

/**
 * What every request gets before routing, as one middleware instead of five router layers:
 * X-Request-Id, timing, the security headers (one call), the request log, and CORS — which only
 * a request with an Origin header can need.
 */
function frontOfEveryRequest(app: NestExpressApplication, identity: ClientIdentityService): RequestHandler {
  const metrics = app.get(HttpMetricsMiddleware);
  const headers = app.get(SecurityHeaderSet);
  const requestLog = new RequestLog();
  const crossOrigin = cors({
    // Same-origin calls need no CORS; cross-origin callers must be listed. Never credentials.
    origin: (origin, callback) => callback(null, identity.origins.isListed(origin)),
    methods: ['GET', 'HEAD', 'POST'],
    credentials: false,
    maxAge: 600,
  });
  return (req: Request, res: Response, next: NextFunction) => {
    const request = req as unknown as RequestWithId;
    request.id = requestIdOf(request, res);
    metrics.start(res);
    headers.applyTo(req, res);
    requestLog.watch(res);
    if (req.headers.origin === undefined) return next();
    crossOrigin(req, res, next);
  };
}

export interface ConfigureAppOptions {
  /** main.ts turns these on; test processes that build many apps leave them off. */
  enableShutdownHooks?: boolean;
  /** Off only in tests that compare the early refusals with the framework path (default on). */
  earlyRefusals?: boolean;
}

/** How the application is created, in main.ts and in tests that build it through a testing module. */
export const APP_OPTIONS = {
  bufferLogs: true,
  // Let main.ts report boot errors (a bad variable) in its own words and exit 1.
  abortOnError: false,
  bodyParser: false,
  // Idle keep-alive sockets would otherwise hold shutdown open.
  forceCloseConnections: true,
} as const;

/** Build the Nest application (config validation runs here and throws on a bad variable). */
export function createApp(): Promise<NestExpressApplication> {
  return NestFactory.create<NestExpressApplication>(AppModule.forRoot(), APP_OPTIONS);
}

/**
 * The production wiring, shared by main.ts and every e2e test: logging, HTTP server limits,
 * rate-limit refusals ahead of Express, proxy trust, security headers, CORS, body limits, static
 * assets, the /session WebSocket adapter, shutdown hooks.
 */
export function configureApp(app: NestExpressApplication, options: ConfigureAppOptions = {}): NestExpressApplication {
  const security = app.get<ConfigType<typeof securityConfig>>(securityConfig.KEY);
  const identity = app.get(ClientIdentityService);

  app.useLogger(app.get(QuietFrameworkLogger));
  // Slow-header and oversized requests cannot hold the server (slowloris).
  limitHttpServer(app.getHttpServer());
  // A refused GET of /status or / is answered before Express sees it (a flood costs the flooder).
  if (options.earlyRefusals !== false) app.get(EarlyRefusalService).install(app.getHttpServer());
  app.disable('x-powered-by');
  app.set('trust proxy', identity.trust);
  // First, so every response — static assets included — carries X-Request-Id, is timed and logged.
  app.use(frontOfEveryRequest(app, identity));
  // GET and HEAD carry no body here: their requests skip the parsers altogether.
  app.use(parseBodiesExceptGetHead(json({ limit: security.bodyLimit }), urlencoded({ limit: security.bodyLimit, extended: false })));
  app.useStaticAssets(STATIC_DIR, { prefix: '/static/', index: false, maxAge: '1h' });
  // /session: raw JSON frames, Origin checked at the upgrade, drained before sockets are cut.
  app.useWebSocketAdapter(new SessionWsAdapter(app));

  if (options.enableShutdownHooks) app.enableShutdownHooks([], { useProcessExit: true });
  return app;
}
