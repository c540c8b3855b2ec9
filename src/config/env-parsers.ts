// Pure parsers for the string formats of the README's configuration table. Validation (environment.ts) and the typed
// namespaces (*.config.ts) share them, so a value that validates is a value that parses.

export interface RateLimitRule {
  /** Requests admitted per window. */
  limit: number;
  /** Window length in milliseconds. */
  windowMs: number;
  /** The string as configured, for logs and headers. */
  text: string;
}

const UNIT_MS: Record<string, number> = {
  second: 1_000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/** `<count>/<second|minute|hour|day>`, plural accepted: `60/minute`, `10/hours`. */
export function parseRateLimit(text: string): RateLimitRule | undefined {
  const match = /^\s*(\d{1,9})\s*\/\s*(second|minute|hour|day)s?\s*$/i.exec(text);
  if (!match) return undefined;
  const limit = Number(match[1]);
  if (limit < 1) return undefined;
  return { limit, windowMs: UNIT_MS[match[2].toLowerCase()], text: text.trim() };
}

/** `true/false`, `1/0`, `yes/no`, `on/off` (any case). */
export function parseBoolean(text: string): boolean | undefined {
  const value = text.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  return undefined;
}

/** A finite decimal ≥ 0 (`0.05`, `50`, `5.0`). */
export function parseNonNegativeDecimal(text: string): number | undefined {
  if (!/^\s*\d+(\.\d+)?\s*$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** A decimal > 0. */
export function parsePositiveDecimal(text: string): number | undefined {
  const value = parseNonNegativeDecimal(text);
  return value !== undefined && value > 0 ? value : undefined;
}

/** An integer within [min, max]. */
export function parseInteger(text: string, min: number, max: number): number | undefined {
  if (!/^\s*\d+\s*$/.test(text)) return undefined;
  const value = Number(text);
  return value >= min && value <= max ? value : undefined;
}

/**
 * TRUST_PROXY, with Express `trust proxy` semantics: off (default), a hop count, or a list of
 * `loopback` / `linklocal` / `uniquelocal` / IP / CIDR entries. `true` (trust everything) is
 * refused: it lets any client choose its own address through X-Forwarded-For.
 */
export type TrustProxy = false | number | string[];

const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9a-f:.]+$/i;

export function parseTrustProxy(text: string): TrustProxy | undefined {
  const value = text.trim().toLowerCase();
  if (value === '' || value === 'off' || value === 'false' || value === '0') return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops >= 1 && hops <= 10 ? hops : undefined;
  }
  const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 0) return undefined;
  for (const entry of entries) {
    if (NAMED_RANGES.includes(entry)) continue;
    const [address, bits, extra] = entry.split('/');
    if (extra !== undefined) return undefined;
    const isV4 = IPV4.test(address);
    const isV6 = !isV4 && address.includes(':') && IPV6.test(address);
    if (!isV4 && !isV6) return undefined;
    if (bits !== undefined) {
      const max = isV4 ? 32 : 128;
      if (!/^\d+$/.test(bits) || Number(bits) > max) return undefined;
    }
  }
  return entries;
}

/**
 * ALLOWED_ORIGINS: a comma list of exact origins (`https://duck.example.com`) or one-label
 * wildcards (`https://*.example.com`). Paths, credentials and deeper wildcards are refused.
 */
export function parseOriginList(text: string): string[] | undefined {
  const entries = text.split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    const match = /^(https?):\/\/(\*\.)?([a-z0-9-]+(\.[a-z0-9-]+)*|\[[0-9a-f:]+\])(:\d{1,5})?$/i.exec(entry);
    if (!match) return undefined;
  }
  return entries.map((entry) => entry.toLowerCase());
}

/** An http(s) URL without credentials, query or fragment; trailing slash removed. */
export function parseBaseUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password || url.search || url.hash) return undefined;
  return url.toString().replace(/\/+$/, '');
}

/** redis:// or rediss:// with a host. */
export function parseRedisUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return undefined;
  if (!url.hostname) return undefined;
  if (url.pathname && url.pathname !== '/' && !/^\/\d{1,2}$/.test(url.pathname)) return undefined;
  return text.trim();
}
