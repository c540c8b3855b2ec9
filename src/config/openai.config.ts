import { registerAs } from '@nestjs/config';
import { parseBaseUrl } from './env-parsers';
import { readEnv, readParsed } from './read-env';

export const DEFAULT_WEB_SEARCH_MODEL = 'gpt-5.4-mini';

export const openaiConfig = registerAs('openai', () => ({
  /** Server-side key; never sent to a browser. Missing → sessions refused with not_configured. */
  apiKey: readEnv('OPENAI_API_KEY'),
  baseUrl: readParsed('OPENAI_BASE_URL', parseBaseUrl, 'https://api.openai.com/v1'),
  webSearchModel: readEnv('WEB_SEARCH_MODEL') ?? DEFAULT_WEB_SEARCH_MODEL,
}));
