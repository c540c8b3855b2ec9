import type { AdmissionDecision, SessionTicket } from '../../common/session-lifecycle';
import type { SessionCost, SessionEndReason, ToolCatalog } from '../../common/session-ports';
import type { ServerMessage } from '../protocol/server-messages';
import type { HangupOutcome } from '../openai/hangup-policy';
import type { RealtimeCallsClient } from '../openai/realtime-calls.client';
import type { SidebandClient } from '../openai/sideband.client';
import type { SessionConfigFactory } from '../session-config/session-config.factory';
import type { ReattachPolicy } from './sideband-link';

// What one VoiceSession is given: its browser, the lifecycle's start phase, the ports of the
// modules below, and the OpenAI clients (VoiceSessionFactory fills these in).

/** What a session needs from the browser connection. */
export interface SessionClient extends SessionTicket {
  readonly languages: string[];
  readonly open: boolean;
  /** Droppable messages (cost.updated) are skipped when the browser is not reading. */
  send(message: ServerMessage, droppable?: boolean): boolean;
  close(code: number, reason: string): void;
}

/** The session lifecycle's start phase, as a call sees it (SessionLifecycle). */
export interface StartPhase {
  admit(phase: 'start', ticket: SessionTicket): Promise<AdmissionDecision>;
  /** False: a participant could not take the live call on, so it ends. */
  started(ticket: SessionTicket): boolean;
}

export interface VoiceSessionDeps {
  lifecycle: StartPhase;
  /** Metering and the limits shown to the browser. */
  cost: SessionCost;
  catalog: ToolCatalog;
  calls: RealtimeCallsClient;
  sideband: SidebandClient;
  configFactory: SessionConfigFactory;
  /** The session's end was decided (once, whatever decided it). */
  onEnding?(reason: SessionEndReason): void;
  /** A hang-up OpenAI did not take through its immediate retries: keep trying in the background. */
  hangupLater?(callId: string, onSettled: (outcome: HangupOutcome) => void): void;
  /** The call is known to be over: stop retrying its hang-up. */
  forgetHangup?(callId: string): void;
  /** A call whose hang-up is pending lost its sideband too (counted). */
  callUnwatched?(callId: string): void;
  /** The page saw responses the sideband never metered: counted (the session logs and ends itself). */
  meteringLost?(): void;
  reattach?: ReattachPolicy;
  timing?: Partial<SessionTiming>;
}

export interface SessionTiming {
  /** A tool that has not answered by then gets an error output. */
  toolTimeoutMs: number;
  /** OpenAI must confirm a voice change (session.updated) within this. */
  voiceConfirmMs: number;
  /** How long the browser's session.ended waits for the hang-up to be acknowledged. */
  hangupWaitMs: number;
}

export const DEFAULT_TIMING: SessionTiming = { toolTimeoutMs: 45_000, voiceConfirmMs: 5_000, hangupWaitMs: 2_000 };
