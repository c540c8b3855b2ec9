import type { IncomingMessage } from 'node:http';
import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { appConfig } from '../config/app.config';
import { chooseLogFormat } from './log-format';
import { QuietFrameworkLogger } from './quiet-framework.logger';
import { requestIdOf } from './request-id';

/** Paths whose successful requests are not worth a log line each (probes, assets). */
const QUIET_PATHS = /^\/(status|healthz|readyz|metrics|static\/|favicon)/;

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
          // configureApp assigns it first (assignRequestId); this covers apps built without it.
          genReqId: requestIdOf,
          autoLogging: {
            ignore: (req: IncomingMessage) => QUIET_PATHS.test(req.url ?? ''),
          },
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
        return { pinoHttp: pretty ? ([options, prettyStream()] as [typeof options, DestinationStream]) : options };
      },
    }),
  ],
})
export class LoggingModule {}
