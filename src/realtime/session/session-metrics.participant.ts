import { Injectable } from '@nestjs/common';
import { ADMITTED, refuse } from '../../common/gate-decision';
import type { AdmissionDecision, SessionOutcome, SessionParticipant } from '../../common/session-lifecycle';
import { ConnectionMetrics } from '../connection/connection.metrics';
import { SessionMetrics } from './session.metrics';

/** Counts conversations: started, ended (by reason, with duration), refused at session.start (with the connections refused earlier). */
@Injectable()
export class SessionMetricsParticipant implements SessionParticipant {
  readonly name = 'metrics';
  readonly unavailable = refuse('upstream_error', 'Conversations are not available right now.', 5);

  constructor(
    private readonly sessionMetrics: SessionMetrics,
    private readonly connectionMetrics: ConnectionMetrics,
  ) {}

  admit(): Promise<AdmissionDecision> {
    return Promise.resolve(ADMITTED);
  }

  started(): void {
    this.sessionMetrics.sessionStarted();
  }

  ended(_ticket: unknown, outcome: SessionOutcome): void {
    if (outcome.refusal) this.connectionMetrics.refused(outcome.refusal);
    if (outcome.wasLive) this.sessionMetrics.sessionEnded(outcome.reason ?? 'client', outcome.durationSec);
  }
}
