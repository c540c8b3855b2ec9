import { registerAs } from '@nestjs/config';
import { parseBoolean, parsePortList } from './env-parsers';
import { readParsed } from './read-env';

export const webFetchConfig = registerAs('webFetch', () => ({
  /** false: the web_fetch tool is not offered to the model. */
  enabled: readParsed('WEB_FETCH_ENABLED', parseBoolean, 'true'),
  /** The only ports web_fetch connects to (after its address checks). */
  allowedPorts: readParsed('WEB_FETCH_ALLOWED_PORTS', parsePortList, '80,443'),
}));
