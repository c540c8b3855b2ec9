import { registerAs } from '@nestjs/config';
import { parseBoolean, parseRateLimit } from './env-parsers';
import { readParsed } from './read-env';

export const rateLimitConfig = registerAs('rateLimit', () => ({
  enabled: readParsed('RATE_LIMIT_ENABLED', parseBoolean, 'true'),
  status: readParsed('RATE_LIMIT_STATUS', parseRateLimit, '60/minute'),
  mainPage: readParsed('RATE_LIMIT_MAIN_PAGE', parseRateLimit, '30/minute'),
  websocket: readParsed('RATE_LIMIT_WEBSOCKET', parseRateLimit, '5/minute'),
  weatherApi: readParsed('RATE_LIMIT_WEATHER_API', parseRateLimit, '10/hour'),
  webSearch: readParsed('RATE_LIMIT_WEB_SEARCH', parseRateLimit, '5/hour'),
  sessionMessages: readParsed('RATE_LIMIT_SESSION_MESSAGES', parseRateLimit, '5/second'),
}));
