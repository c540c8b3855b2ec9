import { registerAs } from '@nestjs/config';
import { parseBoolean, parsePositiveDecimal } from './env-parsers';
import { readEnv, readParsed } from './read-env';

export const authConfig = registerAs('auth', () => ({
  required: readParsed('AUTH_REQUIRED', parseBoolean, 'false'),
  secret: readEnv('JWT_SECRET_KEY'),
  algorithm: (readEnv('JWT_ALGORITHM') ?? 'HS256') as 'HS256' | 'RS256' | 'ES256',
  publicKey: readEnv('JWT_PUBLIC_KEY'),
  issuer: readEnv('JWT_ISSUER'),
  audience: readEnv('JWT_AUDIENCE'),
  maxTtlHours: readParsed('JWT_MAX_TTL_HOURS', parsePositiveDecimal, '8'),
  loginUrl: readEnv('AUTH_LOGIN_URL'),
  adminToken: readEnv('ADMIN_TOKEN'),
}));
