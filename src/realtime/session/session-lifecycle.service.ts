import { Inject, Injectable, Logger } from '@nestjs/common';
import { ADMITTED } from '../../common/gate-decision';
import { SESSION_PARTICIPANTS } from '../../common/session-lifecycle';
import type { AdmissionDecision, AdmissionPhase, SessionOutcome, SessionParticipant, SessionTicket } from '../../common/session-lifecycle';

/**
 * Walks the session participants (auth, connect limit, OpenAI key, cost — SESSION_PARTICIPANT_ORDER)
 * at every step of a conversation's life, so no module's hooks are called by hand anywhere else.
 * Admission fails closed here, in one place: a participant that throws answers with its own
 * `unavailable` refusal, and a participant that cannot take a live call on ends it. `started` and
 * `ended` reach every participant even when one throws, and `ended` reaches them once per session
 * however often it is reported.
 */
@Injectable()
export class SessionLifecycle {
  private readonly logger = new Logger(SessionLifecycle.name);
  private readonly endedTickets = new WeakSet<SessionTicket>();

  constructor(@Inject(SESSION_PARTICIPANTS) private readonly participants: readonly SessionParticipant[]) {}

  /** Participant names in the order they are asked. */
  get order(): string[] {
    return this.participants.map((participant) => participant.name);
  }

  /** Ask every participant in order; the first refusal is the answer and later ones are not asked. */
  async admit(phase: AdmissionPhase, ticket: SessionTicket): Promise<AdmissionDecision> {
    for (const participant of this.participants) {
      let decision: AdmissionDecision;
      try {
        decision = await participant.admit(phase, ticket);
      } catch (error) {
        this.logger.error(`${participant.name} admission (${phase}) of ${ticket.id} failed: ${(error as Error)?.message ?? String(error)}`);
        decision = participant.unavailable;
      }
      if (!decision.admitted) return decision;
    }
    return ADMITTED;
  }

  /** The call is live. False when a participant could not take it on: the call must end (fail closed). */
  started(ticket: SessionTicket): boolean {
    let ok = true;
    for (const participant of this.participants) {
      try {
        participant.started?.(ticket);
      } catch (error) {
        ok = false;
        this.logger.error(`${participant.name} could not start session ${ticket.id}: ${(error as Error)?.message ?? String(error)}`);
      }
    }
    return ok;
  }

  /** The session is over (any reason, or a refused start); in reverse order, each participant once. */
  async ended(ticket: SessionTicket, outcome: SessionOutcome): Promise<void> {
    if (this.endedTickets.has(ticket)) return;
    this.endedTickets.add(ticket);
    for (const participant of [...this.participants].reverse()) {
      try {
        await participant.ended?.(ticket, outcome);
      } catch (error) {
        this.logger.error(`${participant.name} could not settle session ${ticket.id}: ${(error as Error)?.message ?? String(error)}`);
      }
    }
  }
}
