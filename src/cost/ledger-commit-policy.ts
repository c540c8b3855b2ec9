// How the ledger treats a charge the store did not take. An outage (Redis down, frozen, failing
// over) passes: the charge waits and is sent again. A refusal (the store or the ledger's own
// checks reject the request itself) never passes: sending it again only blocks the charges
// behind it, so it is taken out of the queue, logged, counted and the breaker opens.

/** Why a write failed: `outage` may succeed later; `refused` never will. */
export type CommitFailure = 'outage' | 'refused';

/** Why a charge left the queue without being written. */
export type RejectionReason = 'refused' | 'stuck';

/**
 * A charge that failed this many times while the ledger answered other requests is treated as
 * refused (whatever the error says): it is this charge, not the ledger, that does not go through.
 */
export const STUCK_AFTER_STRIKES = 3;

/**
 * A queue whose oldest charge has waited this long is not draining: new sessions are refused
 * (spend that cannot be counted is spend that is not allowed) and /status says so. The flush runs
 * every second, so a ledger that is back drains well within it.
 */
export const STALLED_AFTER_MS = 10_000;

/** Redis replies that mean "not now" rather than "never". */
const TRANSIENT_REPLIES = /^(LOADING|BUSY|READONLY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|NOREPLICAS|OOM)\b|^ERR max number of clients/;

/**
 * Validation and range errors (a RangeError from the store's integer check, a TypeError, a Redis
 * `ERR`/`WRONGTYPE` reply to the script) are refusals; connection errors, timeouts and the
 * transient Redis replies are an outage.
 */
export function classifyCommitError(error: unknown): CommitFailure {
  if (error instanceof RangeError || error instanceof TypeError) return 'refused';
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  if (name === 'ReplyError' && typeof message === 'string' && !TRANSIENT_REPLIES.test(message)) return 'refused';
  return 'outage';
}
