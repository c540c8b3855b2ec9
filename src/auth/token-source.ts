import type { IncomingMessage } from 'node:http';

/** The HttpOnly cookie an identity-aware proxy (or the operator) sets for browsers. */
export const TOKEN_COOKIE = 'ducke_token';

/**
 * The token presented on a request or WebSocket upgrade: `Authorization: Bearer` (non-browser
 * clients; browsers cannot set headers on a WebSocket) first, else the `ducke_token` cookie.
 * Never the query string: URLs end up in histories, proxy logs and Referer headers.
 */
export function presentedToken(req: IncomingMessage): string | undefined {
  return bearerToken(req.headers.authorization) ?? cookieValue(req.headers.cookie, TOKEN_COOKIE);
}

/** The credentials of an `Authorization: Bearer <credentials>` header (scheme case-insensitive). */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : undefined;
}

/** The first cookie named `name` (RFC 6265 `Cookie` header; browsers send the most specific path first). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=');
    if (separator < 0 || pair.slice(0, separator).trim() !== name) continue;
    let value = pair.slice(separator + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return value === '' ? undefined : value;
  }
  return undefined;
}
