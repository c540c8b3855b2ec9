import type { CallFindings } from './call-findings';
import type { EventLog } from './event-log';
import type { ProbeSideband } from './probe-sideband';

// What every step of the probe's call works with: the one log both connections feed, the
// findings so far, the sideband to send on, and how long each step waits.

export interface CallProbeTiming {
  connectMs: number;
  responseMs: number;
  /** How long the other connection gets to show an event one connection already saw. */
  mirrorMs: number;
  voiceMs: number;
  transcriptionMs: number;
  hangupCloseMs: number;
}

export const DEFAULT_TIMING: CallProbeTiming = { connectMs: 15_000, responseMs: 30_000, mirrorMs: 3_000, voiceMs: 5_000, transcriptionMs: 15_000, hangupCloseMs: 5_000 };

export interface CallContext {
  readonly log: EventLog;
  readonly findings: CallFindings;
  readonly sideband: ProbeSideband;
  readonly timing: CallProbeTiming;
}
