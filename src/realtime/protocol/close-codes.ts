import type { RefusalCode } from '../../common/gate-decision';

// WebSocket close codes of /session (docs/protocol.md).
export const CloseCode = {
  /** The conversation ended (after `session.ended`). */
  Normal: 1000,
  /** Policy: foreign origin, auth, idle without a session, message flood. */
  Policy: 1008,
  /** A frame over the 64 KiB limit (sent by `ws` itself). */
  TooBig: 1009,
  /** Something failed on our side or upstream in a way retrying will not fix. */
  ServerFault: 1011,
  /** Try again later: rate limit, hourly cap, breaker, not configured, upstream busy, restart. */
  TryAgainLater: 1013,
} as const;

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

/** A refused connection closes 1008 for policy (origin, auth), 1013 for "try again later". */
export function closeCodeForRefusal(code: RefusalCode): CloseCodeValue {
  return code === 'unauthorized' || code === 'forbidden_origin' ? CloseCode.Policy : CloseCode.TryAgainLater;
}
