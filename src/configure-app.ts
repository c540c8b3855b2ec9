import { NestFactory } from '@nestjs/core';
import type { ConfigType } from '@nestjs/config';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { securityConfig } from './config/security.config';
import { QuietFrameworkLogger } from './logging/quiet-framework.logger';
import { assignRequestId } from './logging/request-id';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { STATIC_DIR } from './page/views-path';
import { SessionWsAdapter } from './realtime/session-ws.adapter';
import { limitHttpServer } from './security/http-server-limits';
import { ClientIdentityService } from './security/client-identity.service';
import { permissionsPolicy, securityHeaders } from './security/security-headers';

export interface ConfigureAppOptions {
  /** main.ts turns these on; test processes that build many apps leave them off. */
  enableShutdownHooks?: boolean;
}

/** Build the Nest application (config validation runs here and throws on a bad variable). */
export function createApp(): Promise<NestExpressApplication> {
  return NestFactory.create<NestExpressApplication>(AppModule.forRoot(), {
    bufferLogs: true,
    // Let main.ts report boot errors (a bad variable) in its own words and exit 1.
    abortOnError: false,
    bodyParser: false,
    // Idle keep-alive sockets would otherwise hold shutdown open.
    forceCloseConnections: true,
  });
}

/**
 * The production wiring, shared by main.ts and every e2e test: logging, HTTP server limits,
 * proxy trust, security headers, CORS, body limits, static assets, the /session WebSocket
 * adapter, shutdown hooks.
 */
export function configureApp(app: NestExpressApplication, options: ConfigureAppOptions = {}): NestExpressApplication {
  const security = app.get<ConfigType<typeof securityConfig>>(securityConfig.KEY);
  const identity = app.get(ClientIdentityService);

  app.useLogger(app.get(QuietFrameworkLogger));
  // Slow-header and oversized requests cannot hold the server (slowloris).
  limitHttpServer(app.getHttpServer());
  // First, so every response — static assets included — carries X-Request-Id and is timed.
  app.use(assignRequestId);
  app.use(app.get(HttpMetricsMiddleware).use);
  app.disable('x-powered-by');
  app.set('trust proxy', identity.trust);

  app.use(securityHeaders({ enableHsts: security.enableHsts }));
  app.use(permissionsPolicy);
  app.enableCors({
    // Same-origin calls need no CORS; cross-origin callers must be listed. Never credentials.
    origin: (origin, callback) => callback(null, identity.origins.isListed(origin)),
    methods: ['GET', 'HEAD', 'POST'],
    credentials: false,
    maxAge: 600,
  });
  app.useBodyParser('json', { limit: security.bodyLimit });
  app.useBodyParser('urlencoded', { limit: security.bodyLimit, extended: false });
  app.useStaticAssets(STATIC_DIR, { prefix: '/static/', index: false, maxAge: '1h' });
  // /session: raw JSON frames, Origin checked at the upgrade, drained before sockets are cut.
  app.useWebSocketAdapter(new SessionWsAdapter(app));

  if (options.enableShutdownHooks) app.enableShutdownHooks([], { useProcessExit: true });
  return app;
}
