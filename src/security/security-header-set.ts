import type { IncomingMessage, ServerResponse } from 'node:http';
import { safeHost } from './origin-policy';
import { PERMISSIONS_POLICY, securityHeaders } from './security-headers';

/** Distinct Host values whose header set is kept; past this, sets are built per request. */
const MAX_CACHED_HOSTS = 64;

/** Header name → value, in the order helmet sets them; `flat` is the same as [name, value, …]. */
export interface SecurityHeaders {
  map: ReadonlyMap<string, string>;
  flat: readonly string[];
}

/**
 * Every security header the service sends (CSP, framing, referrer, permissions…), computed once
 * instead of by helmet's ten middlewares on each request. The headers are what helmet itself
 * writes (it is run once per distinct Host at start-up or first sight, against a recording
 * response), so its policies and the CSP stay
 * exactly the configured ones; only the CSP depends on the request (its connect-src names this
 * host's WebSocket). Both the Express path and the early refusals write these same maps.
 */
export class SecurityHeaderSet {
  private readonly helmet: ReturnType<typeof securityHeaders>;
  private readonly byHost = new Map<string, SecurityHeaders>();
  private readonly noHost: SecurityHeaders;

  constructor(options: { enableHsts: boolean }) {
    this.helmet = securityHeaders(options);
    this.noHost = this.record(undefined);
  }

  /** The headers for a request with this Host header. */
  forHost(hostHeader: string | undefined): SecurityHeaders {
    const host = safeHost(hostHeader);
    if (!host) return this.noHost;
    let headers = this.byHost.get(host);
    if (!headers) {
      headers = this.record(host);
      if (this.byHost.size < MAX_CACHED_HOSTS) this.byHost.set(host, headers);
    }
    return headers;
  }

  /** Set the whole set on a response in one call. */
  applyTo(req: IncomingMessage, res: ServerResponse): void {
    res.setHeaders(this.forHost(req.headers.host).map as Map<string, string>);
  }

  /** Run helmet once against a response that only records what it sets. */
  private record(host: string | undefined): SecurityHeaders {
    const headers = new Map<string, string>();
    const req = { headers: host ? { host } : {} } as IncomingMessage;
    const res = {
      setHeader: (name: string, value: string | number) => headers.set(name, String(value)),
      removeHeader: (name: string) => headers.delete(name),
    } as unknown as ServerResponse;
    let failure: unknown;
    this.helmet(req, res, (error?: unknown) => (failure = error));
    if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
    // helmet 8 does not set Permissions-Policy.
    headers.set('Permissions-Policy', PERMISSIONS_POLICY);
    return { map: headers, flat: [...headers].flat() };
  }
}
