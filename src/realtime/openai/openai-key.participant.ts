import { Injectable } from '@nestjs/common';
import { ADMITTED, refuse } from '../../common/gate-decision';
import type { AdmissionDecision, AdmissionPhase, SessionParticipant } from '../../common/session-lifecycle';
import { RealtimeCallsClient } from './realtime-calls.client';

/** Whether calls can be created at all: without an OpenAI key, say so at connect, before session.start. */
@Injectable()
export class OpenAiKeyParticipant implements SessionParticipant {
  readonly name = 'openai-key';
  // Waiting does not bring a key: no retryAfterSec (the operator must set it and restart).
  readonly unavailable = refuse('not_configured', 'Conversations are not available right now.');

  constructor(private readonly calls: RealtimeCallsClient) {}

  async admit(phase: AdmissionPhase): Promise<AdmissionDecision> {
    if (phase !== 'connect' || this.calls.configured) return ADMITTED;
    return refuse('not_configured', 'Conversations are not available: the operator has not configured an OpenAI key.');
  }
}
