// The lifecycle contract of a conversation: every module that must have a say in whether a
// connection or a session may go on, or must know when it started or ended, is a
// SessionParticipant. The realtime module walks them (SessionLifecycle) and never calls a
// module's hooks by hand; a new concern is one more provider and one more entry in
// SESSION_PARTICIPANT_ORDER. Nothing here imports realtime.

import type { IncomingMessage } from 'node:http';
import type { GateDecision, Refusal } from './gate-decision';
import type { AuthenticatedUser, AuthRefusal, ClientIdentity, SessionEndReason } from './session-ports';

/**
 * `connect`: the socket just opened (nothing is counted or spent yet; refusals close it).
 * `start`: `session.start` arrived, right before a call is created (a refusal creates none).
 */
export type AdmissionPhase = 'connect' | 'start';

/** What participants see of a connection and, from `session.start` on, of its session (same id). */
export interface SessionTicket {
  readonly id: string;
  readonly identity: ClientIdentity;
  /** Connect phase only: the upgrade request (where the token is read). */
  readonly request?: IncomingMessage;
  /** With auth on: whose token opened the connection. */
  readonly user?: AuthenticatedUser;
  /** The token was verified: limits count per `sub` as well as per address from now on. */
  signIn(user: AuthenticatedUser): void;
}

/** How a session finished. */
export interface SessionOutcome {
  /** The browser got session.started. */
  wasLive: boolean;
  /** Why it ended; a refusal or start failure carries its code instead. */
  reason?: SessionEndReason;
  refusal?: string;
  /** Seconds from session.started to the end (0 when it never went live). */
  durationSec: number;
}

export type AdmissionDecision = GateDecision | AuthRefusal;

export interface SessionParticipant {
  /** For logs, and what SESSION_PARTICIPANT_ORDER's test pins. */
  readonly name: string;
  /** The refusal given in the participant's place when its `admit` throws (fail closed). */
  readonly unavailable: Refusal;
  /** Asked in order at each phase; the first refusal wins and later participants are not asked. */
  admit(phase: AdmissionPhase, ticket: SessionTicket): Promise<AdmissionDecision>;
  /** The session went live (session.started sent). */
  started?(ticket: SessionTicket): void;
  /** The session is over, whatever ended it, including a refused start. Called once per session. */
  ended?(ticket: SessionTicket, outcome: SessionOutcome): void | Promise<void>;
}

/** The ordered list of participants, built from the tokens below (one provider, realtime injects it). */
export const SESSION_PARTICIPANTS = Symbol('SESSION_PARTICIPANTS');

/** AuthModule: the token (connect), watching it while the session runs (start → ended). */
export const AUTH_PARTICIPANT = Symbol('AUTH_PARTICIPANT');
/** RateLimitModule: RATE_LIMIT_WEBSOCKET per client and per user (connect). */
export const CONNECT_LIMIT_PARTICIPANT = Symbol('CONNECT_LIMIT_PARTICIPANT');
/** RealtimeModule: whether calls can be created at all (connect). */
export const OPENAI_KEY_PARTICIPANT = Symbol('OPENAI_KEY_PARTICIPANT');
/** CostModule: breaker, hourly cap and reservation (start); duration clock (started); release (ended). */
export const COST_PARTICIPANT = Symbol('COST_PARTICIPANT');
/** RealtimeModule: conversations started, ended and refused at start, for /metrics. */
export const SESSION_METRICS_PARTICIPANT = Symbol('SESSION_METRICS_PARTICIPANT');

/**
 * Admission order, the one list: cheap refusals first; the token before anything is counted
 * against anyone, so a refused token costs no one a connection; cost last, so a reservation is
 * held only for a conversation about to exist. `ended` walks the list backwards.
 */
export const SESSION_PARTICIPANT_ORDER = [
  AUTH_PARTICIPANT,
  CONNECT_LIMIT_PARTICIPANT,
  OPENAI_KEY_PARTICIPANT,
  COST_PARTICIPANT,
  SESSION_METRICS_PARTICIPANT,
] as const;

/** The multi-provider: every module's participant, in SESSION_PARTICIPANT_ORDER. */
export const sessionParticipantsProvider = {
  provide: SESSION_PARTICIPANTS,
  inject: [...SESSION_PARTICIPANT_ORDER],
  useFactory: (...participants: SessionParticipant[]): SessionParticipant[] => participants,
};
