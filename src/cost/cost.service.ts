import { Injectable } from '@nestjs/common';
import type { RealtimeResponseUsage } from 'openai/resources/realtime/realtime';
import { Clock } from '../common/clock';
import type { GateDecision } from '../common/gate-decision';
import type { BackendUsage, ClientIdentity, MeterVerdict, SessionCost, SessionLimits, TranscriptionUsage } from '../common/session-ports';
import { CostAdmission } from './cost-admission.service';
import { CostMetering } from './cost-metering.service';
import { CostPolicy } from './cost-policy.service';
import { CostSessions } from './cost-sessions';
import { SessionReservations } from './session-reservations.service';

/**
 * The cost module's face to the realtime module (the SESSION_COST port): admission, the start of
 * the duration clock, metering with a verdict, and release at the end. It decides; decisions
 * taken on timers or by other instances go out on the EnforcementBus, and the realtime module
 * acts through its own single end path.
 */
@Injectable()
export class CostService implements SessionCost {
  constructor(
    private readonly clock: Clock,
    private readonly admission: CostAdmission,
    private readonly sessions: CostSessions,
    private readonly policy: CostPolicy,
    private readonly metering: CostMetering,
    private readonly reservations: SessionReservations,
  ) {}

  async admit(sessionId: string, identity: ClientIdentity): Promise<GateDecision> {
    const decision = await this.admission.admit(sessionId, identity);
    if (decision.admitted) {
      const session = this.sessions.ensure(sessionId, this.clock.now());
      session.identity = identity;
      session.reserved = this.policy.enforced;
    }
    return decision;
  }

  limits(): SessionLimits {
    return this.policy.limits();
  }

  started(sessionId: string): void {
    const session = this.sessions.ensure(sessionId, this.clock.now());
    session.startedAt ??= this.clock.now();
    this.policy.checkStart(sessionId);
  }

  recordResponseUsage(sessionId: string, model: string, responseId: string, usage: RealtimeResponseUsage): Promise<MeterVerdict> {
    return this.metering.recordResponseUsage(sessionId, model, responseId, usage);
  }

  recordTranscriptionUsage(sessionId: string, model: string, itemId: string, usage: TranscriptionUsage): Promise<MeterVerdict> {
    return this.metering.recordTranscriptionUsage(sessionId, model, itemId, usage);
  }

  recordBackendUsage(sessionId: string, usage: BackendUsage): Promise<MeterVerdict> {
    return this.metering.recordBackendUsage(sessionId, usage);
  }

  release(sessionId: string, options: { keepWorstCase?: boolean } = {}): Promise<void> {
    return this.reservations.release(sessionId, options);
  }

  unwatched(sessionId: string): Promise<void> {
    return this.reservations.holdWorstCase(sessionId);
  }
}
