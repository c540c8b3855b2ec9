import type { IncomingMessage } from 'node:http';
import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import { appConfig } from '../config/app.config';
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

/**
 * JSON lines through pino. Every request gets an id (kept from X-Request-Id when sane, echoed
 * back in the response); credentials are redacted, and the client address is never logged.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (app: ConfigType<typeof appConfig>) => ({
        pinoHttp: {
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
        },
      }),
    }),
  ],
})
export class LoggingModule {}
