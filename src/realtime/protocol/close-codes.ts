import type { RefusalCode } from '../../common/gate-decision';
import { SESSION_CLOSE_CODES } from '../../common/session-wire';

// WebSocket close codes of /session, named as the realtime module uses them.
export const CloseCode = {
  Normal: SESSION_CLOSE_CODES.normal,
  Policy: SESSION_CLOSE_CODES.policy,
  TooBig: SESSION_CLOSE_CODES.tooBig,
  ServerFault: SESSION_CLOSE_CODES.serverFault,
  TryAgainLater: SESSION_CLOSE_CODES.tryAgainLater,
} as const;

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

/** A refused connection closes 1008 for policy (origin, auth), 1013 for "try again later". */
export function closeCodeForRefusal(code: RefusalCode): CloseCodeValue {
  return code === 'unauthorized' || code === 'forbidden_origin' ? CloseCode.Policy : CloseCode.TryAgainLater;
}
