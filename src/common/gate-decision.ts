// The shared vocabulary of the /session gate (codes: session-wire.ts). Each step — origin,
// auth, connect rate limit, cost admission — answers with a GateDecision; the realtime module
// turns a refusal into an `error` message and a close code. Modules below realtime return these
// types without importing realtime.

export type RefusalCode =
  | 'rate_limited'
  | 'hourly_cap'
  | 'circuit_open'
  | 'not_configured'
  | 'unauthorized'
  | 'upstream_error'
  | 'forbidden_origin'
  | 'shutting_down';

export interface Refusal {
  admitted: false;
  code: RefusalCode;
  /** Plain words for the person at the page. */
  message: string;
  /** Whole seconds ≥ 1 when trying again later can succeed. */
  retryAfterSec?: number;
}

export type GateDecision = { admitted: true } | Refusal;

export const ADMITTED: GateDecision = Object.freeze({ admitted: true });

export function refuse(code: RefusalCode, message: string, retryAfterSec?: number): Refusal {
  const refusal: Refusal = { admitted: false, code, message };
  if (retryAfterSec !== undefined) refusal.retryAfterSec = Math.max(1, Math.ceil(retryAfterSec));
  return refusal;
}
