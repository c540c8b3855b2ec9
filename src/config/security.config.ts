import { registerAs } from '@nestjs/config';
import { parseBoolean, parseOriginList, parseTrustProxy } from './env-parsers';
import { readParsed } from './read-env';

export const securityConfig = registerAs('security', () => ({
  trustProxy: readParsed('TRUST_PROXY', parseTrustProxy, 'off'),
  /** Extra origins for CORS and /session; the page's own origin is always allowed. */
  allowedOrigins: readParsed('ALLOWED_ORIGINS', parseOriginList, ''),
  enableHsts: readParsed('ENABLE_HSTS', parseBoolean, 'false'),
  /** Request bodies larger than this are refused with 413. */
  bodyLimit: '16kb',
}));
