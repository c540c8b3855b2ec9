// The bounds of one web_fetch call. Fixed in code (they protect the server, not a preference);
// tests shorten the timeouts by overriding the provider in their Nest testing module.

export interface WebFetchLimits {
  /** From the request to an open connection (TLS handshake included), per hop. */
  connectTimeoutMs: number;
  /** The whole call: every lookup, hop, redirect and the body. */
  totalTimeoutMs: number;
  /** Body bytes read, after decompression; reading stops there and the text says it was cut. */
  maxBodyBytes: number;
  /** Turning HTML into text (in a worker thread), after the body is read. */
  extractTimeoutMs: number;
  /** Redirects followed, each checked like the first address. */
  maxRedirects: number;
  /** A name resolving to more addresses than this is refused (every one must be checked). */
  maxAddresses: number;
}

export const DEFAULT_WEB_FETCH_LIMITS: WebFetchLimits = {
  connectTimeoutMs: 5_000,
  totalTimeoutMs: 15_000,
  maxBodyBytes: 1_048_576,
  extractTimeoutMs: 8_000,
  maxRedirects: 3,
  maxAddresses: 32,
};

export const WEB_FETCH_LIMITS = Symbol('WEB_FETCH_LIMITS');
