import { Injectable } from '@nestjs/common';
import { ADMITTED, refuse } from '../../common/gate-decision';
import type { AdmissionDecision, SessionOutcome, SessionParticipant } from '../../common/session-lifecycle';
import { RealtimeMetrics } from '../realtime.metrics';

/** Counts conversations: started, ended (by reason, with duration), refused at session.start. */
@Injectable()
export class SessionMetricsParticipant implements SessionParticipant {
  readonly name = 'metrics';
  readonly unavailable = refuse('upstream_error', 'Conversations are not available right now.', 5);

  constructor(private readonly metrics: RealtimeMetrics) {}

  admit(): Promise<AdmissionDecision> {
    return Promise.resolve(ADMITTED);
  }

  started(): void {
    this.metrics.sessionStarted();
  }

  ended(_ticket: unknown, outcome: SessionOutcome): void {
    if (outcome.refusal) this.metrics.refused(outcome.refusal);
    if (outcome.wasLive) this.metrics.sessionEnded(outcome.reason ?? 'client', outcome.durationSec);
  }
}
