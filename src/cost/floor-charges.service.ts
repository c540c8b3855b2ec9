import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { EnforcementBus } from '../common/enforcement-bus';
import { CostLedger } from './cost-ledger.service';
import { CostPolicy } from './cost-policy.service';
import { CostSessions, type CostSession } from './cost-sessions';
import { formatUsd, toUsd } from './money';

/**
 * The time floor, charged on the cost module's clock: a live session's spend counts at least the
 * floor rate × its connected minutes even when no usage arrives, and one over its budget that way
 * is ended on the EnforcementBus.
 */
@Injectable()
export class FloorCharges {
  private readonly logger = new Logger(FloorCharges.name);

  constructor(
    private readonly clock: Clock,
    private readonly ledger: CostLedger,
    private readonly sessions: CostSessions,
    private readonly policy: CostPolicy,
    private readonly bus: EnforcementBus,
  ) {}

  /** Whether a floor is configured at all (its timer runs only then). */
  get active(): boolean {
    return this.policy.floorActive;
  }

  /** The time floor of every live session, charged where it exceeds what was metered; ends those over budget. Never throws. */
  async chargeFloors(): Promise<void> {
    const now = this.clock.now();
    for (const session of [...this.sessions.all()]) {
      try {
        await this.chargeFloor(session, now);
      } catch (error) {
        this.logger.error(`time floor of session ${session.id} not charged: ${(error as Error).message}`);
      }
    }
  }

  private async chargeFloor(session: CostSession, now: number): Promise<void> {
    const micro = this.policy.floorDue(session, now);
    if (micro <= 0) return;
    if (session.chargedMicro - micro <= session.meteredMicro) {
      this.logger.log(`session ${session.id}: spend counted at the time floor (metered ${formatUsd(toUsd(session.meteredMicro))} so far)`);
    }
    const totals = await this.ledger.charge(session.id, micro, session.identity?.userKey);
    session.spentMicro = Math.max(session.spentMicro, session.chargedMicro, totals.sessionMicro ?? 0);
    if (totals.hourlyMicro !== undefined) await this.policy.checkSpend(totals.hourlyMicro);
    const verdict = this.policy.verdict(session, this.clock.now());
    if (verdict.end) this.bus.emit({ kind: 'end', sessionId: session.id, reason: verdict.reason });
  }
}
