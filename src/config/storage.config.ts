import { registerAs } from '@nestjs/config';
import { readEnv } from './read-env';

export const storageConfig = registerAs('storage', () => ({
  /** Unset → all state in this process's memory; set → shared through Redis. */
  redisUrl: readEnv('REDIS_URL'),
  /** A dead or frozen Redis fails a command after this long instead of stalling requests. */
  commandTimeoutMs: 250,
}));
