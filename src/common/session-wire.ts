// The /session vocabulary both ends share (docs/protocol.md): the server sends these values and the
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
