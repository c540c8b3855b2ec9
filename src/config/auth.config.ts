import { registerAs } from '@nestjs/config';
import type { JwtAlgorithm } from './auth-checks';
import { parseBoolean, parseInteger, parsePositiveDecimal } from './env-parsers';
import { readEnv, readParsed } from './read-env';

export const authConfig = registerAs('auth', () => ({
  required: readParsed('AUTH_REQUIRED', parseBoolean, 'false'),
  secret: readEnv('JWT_SECRET_KEY'),
  algorithm: (readEnv('JWT_ALGORITHM') ?? 'HS256') as JwtAlgorithm,
  publicKey: readEnv('JWT_PUBLIC_KEY'),
  issuer: readEnv('JWT_ISSUER'),
  audience: readEnv('JWT_AUDIENCE'),
  maxTtlHours: readParsed('JWT_MAX_TTL_HOURS', parsePositiveDecimal, '8'),
  /** Allowed clock difference with the token issuer for exp / nbf / iat, in seconds. */
  clockToleranceSec: readParsed('JWT_CLOCK_TOLERANCE_SECONDS', (text) => parseInteger(text, 0, 300), '30'),
  loginUrl: readEnv('AUTH_LOGIN_URL'),
  adminToken: readEnv('ADMIN_TOKEN'),
}));
