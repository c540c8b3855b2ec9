// The /session vocabulary both ends share (contract §3): the server sends these values and the
// page (views/src) explains each one. No imports, so the page's build can use it as is.

/** Why a session ended (`session.ended.reason`). */
export const SESSION_END_REASONS = [
  'client',
  'budget_exceeded',
  'duration_exceeded',
  'circuit_breaker',
  'upstream_closed',
  'upstream_error',
  'shutdown',
  'revoked',
  'token_expired',
  // The page saw responses on its data channel that the server's sideband never metered.
  'metering_lost',
] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

/** `error.code` values. */
export const SESSION_ERROR_CODES = [
  'bad_message',
  'rate_limited',
  'hourly_cap',
  'circuit_open',
  'not_configured',
  'upstream_error',
  'invalid_voice',
  'already_started',
  'unauthorized',
] as const;
export type SessionErrorCode = (typeof SESSION_ERROR_CODES)[number];

/** What the browser is told in `session.started.limits`. */
export interface SessionLimits {
  maxCostUsd: number;
  maxDurationSec: number;
}

/**
 * `usage.seen` (browser → server): what the page has counted on its `oai-events` data channel
 * since the call started — `response.done` events and the sums of their `response.usage`.
 * Cumulative, sent every USAGE_REPORT_INTERVAL_MS during a call and once more at its end; the
 * server compares it with what its sideband metered (the metering tripwire).
 */
export interface UsageSeenMessage {
  type: 'usage.seen';
  responses: number;
  inputTokens: number;
  outputTokens: number;
  /** The page's last report of this call. */
  final?: boolean;
}

/** How often the page reports `usage.seen` during a call. */
export const USAGE_REPORT_INTERVAL_MS = 5_000;

/** The largest count a `usage.seen` field may carry (far above any real call). */
export const USAGE_SEEN_MAX = 1_000_000_000;
