import { Inject, Injectable } from '@nestjs/common';
import { ADMITTED, refuse } from '../common/gate-decision';
import type { AdmissionDecision, AdmissionPhase, SessionParticipant, SessionTicket } from '../common/session-lifecycle';
import { SESSION_AUTHENTICATOR, type SessionAuthenticator } from '../common/session-ports';

/**
 * Auth in the session lifecycle: the token at connect (its `sub` joins the identity, so limits
 * count per user from the next participant on), and the watch over it from `session.start` —
 * before cost admission, so a revocation while the call is being created still ends it — until
 * the session ends.
 */
@Injectable()
export class AuthParticipant implements SessionParticipant {
  readonly name = 'auth';
  readonly unavailable = refuse('upstream_error', 'Your sign-in cannot be checked right now. Please try again shortly.', 5);

  constructor(@Inject(SESSION_AUTHENTICATOR) private readonly authenticator: SessionAuthenticator) {}

  async admit(phase: AdmissionPhase, ticket: SessionTicket): Promise<AdmissionDecision> {
    if (phase === 'start') {
      if (ticket.user) this.authenticator.track(ticket.id, ticket.user);
      return ADMITTED;
    }
    if (!ticket.request) return ADMITTED;
    const decision = await this.authenticator.authenticate(ticket.request);
    if (decision.admitted && decision.user) ticket.signIn(decision.user);
    return decision.admitted ? ADMITTED : decision;
  }

  ended(ticket: SessionTicket): void {
    this.authenticator.untrack(ticket.id);
  }
}
