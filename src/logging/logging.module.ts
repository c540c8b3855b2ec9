import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import type { LevelWithSilent } from 'pino';
import { appConfig } from '../config/app.config';
import { wasRateLimited } from '../rate-limit/limit-decision';
import { QUIET_ROUTES } from './quiet-request-log.middleware';
import { requestIdOf, type RequestWithId } from './request-id';

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
        },
        exclude: QUIET_ROUTES,
      }),
    }),
  ],
})
export class LoggingModule {}
