import type { Refusal, RefusalCode } from '../../common/gate-decision';
import type { SessionEndReason, SessionLimits } from '../../common/session-ports';
import { SESSION_ERROR_RETRY, type SessionErrorCode, type SessionServerMessageType } from '../../common/session-wire';

// Server → browser messages of /session (docs/protocol.md). JSON text frames `{type, ...}`.

/** `error.code` values (docs/protocol.md). */
export type ErrorCode = SessionErrorCode;

export interface SessionStartedMessage {
  type: 'session.started';
  sessionId: string;
  sdp: string;
  model: string;
  voice: string;
  limits: SessionLimits;
}

export interface CostUpdatedMessage {
  type: 'cost.updated';
  sessionCostUsd: number;
  budgetUsd: number;
  /** Set once the session reached 80 % of its budget. */
  budgetWarning?: boolean;
  /** Seconds left before the duration limit (from one minute before it). */
  secondsLeft?: number;
}

export interface ToolCalledMessage {
  type: 'tool.called';
  name: string;
  callId: string;
}

export interface ToolResultMessage {
  type: 'tool.result';
  name: string;
  callId: string;
  ok: boolean;
  durationMs: number;
}

export interface VoiceChangedMessage {
  type: 'voice.changed';
  voice: string;
}

export interface SessionEndedMessage {
  type: 'session.ended';
  reason: SessionEndReason;
}

export interface ErrorMessage {
  type: 'error';
  code: ErrorCode;
  /** Plain words for the person at the page. */
  message: string;
  /** Whole seconds ≥ 1, on refusals that can succeed later. */
  retryAfterSec?: number;
  /** On `unauthorized` with AUTH_LOGIN_URL set: where the page sends the person to sign in. */
  loginUrl?: string;
}

export type ServerMessage =
  | SessionStartedMessage
  | CostUpdatedMessage
  | ToolCalledMessage
  | ToolResultMessage
  | VoiceChangedMessage
  | SessionEndedMessage
  | ErrorMessage;

/** Compiles only while the messages above are exactly the types session-wire.ts declares. */
type SameTypes<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const SERVER_MESSAGES_MATCH_WIRE: SameTypes<ServerMessage['type'], SessionServerMessageType> = true;

/** `retryAfterSec` is left off codes that waiting does not fix, whatever the caller passed. */
export function errorMessage(code: ErrorCode, message: string, retryAfterSec?: number): ErrorMessage {
  return retryAfterSec === undefined || SESSION_ERROR_RETRY[code] === 'never'
    ? { type: 'error', code, message }
    : { type: 'error', code, message, retryAfterSec };
}

/** The `error` a refused connection gets: the refusal's code, words, retry time and login link. */
export function refusalMessage(refusal: Refusal & { loginUrl?: string }): ErrorMessage {
  const message = errorMessage(errorCodeForRefusal(refusal.code), refusal.message, refusal.retryAfterSec);
  return refusal.loginUrl === undefined ? message : { ...message, loginUrl: refusal.loginUrl };
}

/** The browser-facing code of a gate refusal (docs/protocol.md has no origin/shutdown codes). */
export function errorCodeForRefusal(code: RefusalCode): ErrorCode {
  if (code === 'forbidden_origin') return 'unauthorized';
  if (code === 'shutting_down') return 'upstream_error';
  return code;
}
