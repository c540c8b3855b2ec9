// The /session vocabulary both ends share: the server sends these values and the page (views/src)
// explains each one. docs/protocol.md describes every value here, and test/docs/protocol-doc.spec.ts
// fails when the two disagree. No imports, so the page's build can use it as is.

/** Browser → server message types. */
export const SESSION_CLIENT_MESSAGE_TYPES = ['session.start', 'voice.set', 'session.stop', 'usage.seen'] as const;
export type SessionClientMessageType = (typeof SESSION_CLIENT_MESSAGE_TYPES)[number];

/** Server → browser message types. */
export const SESSION_SERVER_MESSAGE_TYPES = [
  'session.started',
  'voice.changed',
  'tool.called',
  'tool.result',
  'cost.updated',
  'session.ended',
  'error',
] as const;
export type SessionServerMessageType = (typeof SESSION_SERVER_MESSAGE_TYPES)[number];

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

/**
 * Whether an `error` carries `retryAfterSec`: `always` (waiting fixes it), `sometimes` (only when
 * the cause is passing, e.g. OpenAI busy rather than refusing the offer) or `never` (waiting
 * changes nothing: fix the message, the configuration or the sign-in).
 */
export const SESSION_ERROR_RETRY: Readonly<Record<SessionErrorCode, 'always' | 'sometimes' | 'never'>> = {
  bad_message: 'never',
  rate_limited: 'always',
  hourly_cap: 'always',
  circuit_open: 'always',
  not_configured: 'never',
  upstream_error: 'sometimes',
  invalid_voice: 'never',
  already_started: 'never',
  unauthorized: 'never',
};

/** WebSocket close codes of /session. */
export const SESSION_CLOSE_CODES = {
  /** The conversation ended (after `session.ended`). */
  normal: 1000,
  /** Policy: foreign origin, auth, idle without a session, message flood. */
  policy: 1008,
  /** A frame over the frame limit (sent by `ws` itself). */
  tooBig: 1009,
  /** Something failed on our side or upstream in a way retrying will not fix. */
  serverFault: 1011,
  /** Try again later: rate limit, hourly cap, breaker, not configured, upstream busy, a browser not reading, restart. */
  tryAgainLater: 1013,
} as const;

/** The transport limits of one /session connection. */
export const SESSION_WIRE_LIMITS = {
  /** A larger frame closes the socket with 1009. */
  maxFrameBytes: 64 * 1024,
  /** The longest `session.start` offer accepted (real offers are a few KB). */
  maxOfferChars: 32 * 1024,
  /** Messages dropped within one second (over RATE_LIMIT_SESSION_MESSAGES) that make it a flood: closed 1008. */
  floodDropsPerSecond: 100,
  /** A browser with more unread than this misses `cost.updated` messages (the next carries the total)… */
  softBufferedBytes: 16 * 1024,
  /** …and with more than this unread it is not reading: closed 1013. */
  hardBufferedBytes: 256 * 1024,
} as const;

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
