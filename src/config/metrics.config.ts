import { registerAs } from '@nestjs/config';
import { parseBoolean } from './env-parsers';
import { readEnv, readParsed } from './read-env';

export const metricsConfig = registerAs('metrics', () => ({
  enabled: readParsed('ENABLE_METRICS', parseBoolean, 'true'),
  /** Set → /metrics needs `Authorization: Bearer <token>`. */
  token: readEnv('METRICS_TOKEN'),
}));
