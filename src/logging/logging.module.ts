import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream, LevelWithSilent } from 'pino';
import { appConfig } from '../config/app.config';
import { wasRateLimited } from '../rate-limit/limit-decision';
import { chooseLogFormat } from './log-format';
import { QuietFrameworkLogger } from './quiet-framework.logger';
import { REQUEST_BOUND_ROUTES } from './request-log';
import { requestIdOf, type RequestWithId } from '../common/request-id';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.token',
  '*.apiKey',
  '*.secret',
  '*.password',
];

/** One line per entry for a person at a terminal: time, level, [context] message, request summary. */
function prettyStream(): DestinationStream {
  // Loaded only when chosen: JSON output never needs it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pretty = require('pino-pretty') as typeof import('pino-pretty');
  return pretty({
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,context,req,res,responseTime',
    messageFormat: '{if context}[{context}] {end}{msg}{if req} {req.method} {req.path} → {res.statusCode} ({responseTime} ms){end}',
    singleLine: true,
    sync: true,
  });
}

/**
 * Logs through pino: JSON lines for collectors (a container, CI, a pipe) and in production,
 * readable lines on a terminal (LOG_FORMAT). Every request gets an id (kept from X-Request-Id
 * when sane, echoed back in the response); credentials are redacted, and the client address is
 * never logged.
 */
@Module({
  providers: [QuietFrameworkLogger],
  exports: [QuietFrameworkLogger],
  imports: [
    LoggerModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (app: ConfigType<typeof appConfig>) => {
        const options = {
          level: app.logLevel,
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
          // configureApp assigns it first; this covers apps built without it.
          genReqId: requestIdOf,
          // A rate-limited request has one sampled line per client and window (RefusalLogService).
          customLogLevel: (req: RequestWithId): LevelWithSilent => (wasRateLimited(req) ? 'silent' : 'info'),
          serializers: {
            // Method and path only: no query strings (they may carry tokens), no headers, no IP.
            req: (req: { id: string; method: string; url: string }) => ({
              id: req.id,
              method: req.method,
              path: req.url.split('?')[0],
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
        };
        const pretty = chooseLogFormat(app.logFormat, process.stdout.isTTY === true, app.production) === 'pretty';
        return { pinoHttp: pretty ? ([options, prettyStream()] as [typeof options, DestinationStream]) : options, forRoutes: REQUEST_BOUND_ROUTES };
      },
    }),
  ],
})
export class LoggingModule {}
