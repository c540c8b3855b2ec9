import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerAs } from '@nestjs/config';
import { parseInteger } from './env-parsers';
import { readEnv, readParsed } from './read-env';

function packageVersion(): string {
  // src/config and dist/config are both two levels below the package root.
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** LOG_FORMAT: `auto` picks readable lines on a terminal outside production, JSON otherwise. */
export type LogFormatSetting = 'auto' | 'json' | 'pretty';

export const appConfig = registerAs('app', () => ({
  port: readParsed('PORT', (t) => parseInteger(t, 0, 65535), '8000'),
  host: readEnv('HOST') ?? '0.0.0.0',
  logLevel: readEnv('LOG_LEVEL') ?? 'info',
  logFormat: (readEnv('LOG_FORMAT') ?? 'auto') as LogFormatSetting,
  /** NODE_ENV is the platform's convention, not a DUCK-E setting: read from the real environment only. */
  production: readEnv('NODE_ENV') === 'production',
  version: packageVersion(),
  /** SIGTERM must end with the process gone within this many ms (README, "Stopping"). */
  shutdownDeadlineMs: 10_000,
}));
