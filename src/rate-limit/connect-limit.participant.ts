import { Inject, Injectable } from '@nestjs/common';
import { ADMITTED, refuse } from '../common/gate-decision';
import type { AdmissionDecision, AdmissionPhase, SessionParticipant, SessionTicket } from '../common/session-lifecycle';
import { CONNECT_LIMITER, type ConnectLimiter } from '../common/session-ports';

/** RATE_LIMIT_WEBSOCKET in the session lifecycle: one count per new /session connection. */
@Injectable()
export class ConnectLimitParticipant implements SessionParticipant {
  readonly name = 'connect-limit';
  // The limiter falls back to counting in memory by itself; should even that throw, the
  // connection is refused rather than let through uncounted.
  readonly unavailable = refuse('upstream_error', 'New conversations cannot be counted right now; try again in a moment.', 5);

  constructor(@Inject(CONNECT_LIMITER) private readonly limiter: ConnectLimiter) {}

  admit(phase: AdmissionPhase, ticket: SessionTicket): Promise<AdmissionDecision> {
    return phase === 'connect' ? this.limiter.admitConnection(ticket.identity) : Promise.resolve(ADMITTED);
  }
}
