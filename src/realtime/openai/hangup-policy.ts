// What an answer to POST /realtime/calls/{id}/hangup means, and how long a hang-up that did not
// go through is tried again. The real API's answer for a call it already ended is not confirmed
// yet (`npm run probe` records it): until it is, every 4xx but 401/403/429 counts as "the call is
// over" — a call OpenAI no longer knows or refuses to hang up as ended costs nothing more.

/** `hung_up`/`already_ended`: done. `retry`: may go through later. `refused`: our key may not (401/403). */
export type HangupAnswer = 'hung_up' | 'already_ended' | 'retry' | 'refused';

export function classifyHangupStatus(status: number): HangupAnswer {
  if (status >= 200 && status < 300) return 'hung_up';
  if (status === 429 || status >= 500) return 'retry';
  if (status === 401 || status === 403) return 'refused';
  if (status >= 400) return 'already_ended';
  return 'retry'; // 1xx/3xx is no answer (redirects are refused anyway)
}

/** How a hang-up handed over to the background retries ended. */
export type HangupOutcome = 'hung_up' | 'already_ended' | 'given_up' | 'refused';

/**
 * Background retries of a failed hang-up: every 5 s for the first minute, then every 30 s, and
 * given up after 5 minutes (counted). A call that still runs then is metered over its sideband
 * while that lasts, and its worst case is held against the hourly cap once it cannot be.
 */
export const HANGUP_RETRY = {
  everyMs: 5_000,
  calmEveryMs: 30_000,
  calmAfterMs: 60_000,
  giveUpAfterMs: 5 * 60_000,
} as const;
