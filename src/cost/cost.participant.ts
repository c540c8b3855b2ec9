import { Inject, Injectable } from '@nestjs/common';
import { ADMITTED, refuse } from '../common/gate-decision';
import type { AdmissionDecision, AdmissionPhase, SessionParticipant, SessionTicket } from '../common/session-lifecycle';
import { SESSION_COST, type SessionCost } from '../common/session-ports';

/**
 * Cost in the session lifecycle: admission at `session.start` (breaker, hourly cap, reservation),
 * the duration clock once the call is live, settling and releasing the reservation at the end.
 */
@Injectable()
export class CostParticipant implements SessionParticipant {
  readonly name = 'cost';
  // Spend that cannot be checked is spend that is not allowed.
  readonly unavailable = refuse('upstream_error', 'Spending cannot be checked right now; try again in a moment.', 5);

  constructor(@Inject(SESSION_COST) private readonly cost: SessionCost) {}

  admit(phase: AdmissionPhase, ticket: SessionTicket): Promise<AdmissionDecision> {
    return phase === 'start' ? this.cost.admit(ticket.id, ticket.identity) : Promise.resolve(ADMITTED);
  }

  started(ticket: SessionTicket): void {
    this.cost.started(ticket.id);
  }

  ended(ticket: SessionTicket): Promise<void> {
    return this.cost.release(ticket.id);
  }
}
