// Which browser origins may call this service: the page's own origin, plus ALLOWED_ORIGINS
// (exact origins or `https://*.example.com` one-label wildcards). Comparison is exact on the
// serialized origin browsers send (lowercase, no path, no trailing slash): anything else —
// `null`, look-alikes, case or trailing-slash variants — does not match. CORS and the /session
// upgrade share this one matcher.

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';

function patternFor(entry: string): RegExp | string {
  const wildcard = /^(https?):\/\/\*\.(.+)$/.exec(entry);
  if (!wildcard) return entry;
  const [, scheme, rest] = wildcard;
  return new RegExp(`^${scheme}://${LABEL}\\.${rest.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

/** A Host header we can safely compare against and echo into headers. */
const HOST_HEADER = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

export function safeHost(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const lower = host.toLowerCase();
  return HOST_HEADER.test(lower) ? lower : undefined;
}

export class OriginPolicy {
  private readonly exact = new Set<string>();
  private readonly wildcards: RegExp[] = [];

  constructor(allowedOrigins: readonly string[]) {
    for (const entry of allowedOrigins) {
      const pattern = patternFor(entry.toLowerCase());
      if (typeof pattern === 'string') this.exact.add(pattern);
      else this.wildcards.push(pattern);
    }
  }

  /** True when `origin` is listed in ALLOWED_ORIGINS (CORS: cross-origin callers only). */
  isListed(origin: string | undefined): boolean {
    if (!origin) return false;
    return this.exact.has(origin) || this.wildcards.some((pattern) => pattern.test(origin));
  }

  /** The /session rule: the page's own origin (same host as the request) or a listed one. */
  isAllowedForSession(origin: string | undefined, hostHeader: string | undefined): boolean {
    if (!origin) return false;
    const host = safeHost(hostHeader);
    if (host && (origin === `https://${host}` || origin === `http://${host}`)) return true;
    return this.isListed(origin);
  }
}
