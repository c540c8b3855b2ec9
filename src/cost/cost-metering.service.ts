import { Injectable, Logger } from '@nestjs/common';
import type { RealtimeResponseUsage } from 'openai/resources/realtime/realtime';
import { Clock } from '../common/clock';
import { EnforcementBus } from '../common/enforcement-bus';
import type { BackendUsage, MeterVerdict, TranscriptionUsage } from '../common/session-ports';
import { CostLedger } from './cost-ledger.service';
import { CostPolicy } from './cost-policy.service';
import { CostSessions, type CostSession } from './cost-sessions';
import { CostMetrics } from './cost.metrics';
import { formatUsd, toUsd } from './money';
import { SpendFloor } from './spend-floor';
import { UsageMeter, type PricedUsage } from './usage-meter';

/**
 * Every usage event of a session, metered once (by its id), charged to the shared ledger, and
 * answered with the policy's verdict. Never throws: a ledger failure leaves the charge queued
 * and the decision to what this instance knows.
 */
@Injectable()
export class CostMetering {
  private readonly logger = new Logger(CostMetering.name);

  constructor(
    private readonly clock: Clock,
    private readonly meter: UsageMeter,
    private readonly ledger: CostLedger,
    private readonly sessions: CostSessions,
    private readonly policy: CostPolicy,
    private readonly metrics: CostMetrics,
    private readonly floor: SpendFloor,
    private readonly bus: EnforcementBus,
  ) {}

  recordResponseUsage(sessionId: string, model: string, responseId: string, usage: RealtimeResponseUsage): Promise<MeterVerdict> {
    return this.record(sessionId, 'response', responseId, () => this.meter.priceResponse(model, usage));
  }

  recordTranscriptionUsage(sessionId: string, model: string, itemId: string, usage: TranscriptionUsage): Promise<MeterVerdict> {
    return this.record(sessionId, 'transcription', itemId, () => this.meter.priceTranscription(model, usage));
  }

  recordBackendUsage(sessionId: string, usage: BackendUsage): Promise<MeterVerdict> {
    return this.record(sessionId, 'backend', usage.id, () => this.meter.priceBackend(usage));
  }

  private async record(sessionId: string, kind: string, id: string, price: () => PricedUsage): Promise<MeterVerdict> {
    const now = this.clock.now();
    // A session unknown here (released already, or never admitted) is still charged: the spend happened.
    const session = this.sessions.get(sessionId) ?? transientSession(sessionId, now);
    if (id && !(await this.firstSight(session, `${kind}:${id}`))) return this.policy.verdict(session, now);

    const priced = price();
    this.metrics.charged(priced);
    session.meteredMicro += priced.micro;
    // Only what raises the counted spend: usage the time floor already charged is not added twice.
    const totals = await this.ledger.charge(sessionId, this.floor.due(session, now), session.identity?.userKey);
    session.spentMicro = Math.max(session.spentMicro, session.chargedMicro, totals.sessionMicro ?? 0);
    if (totals.hourlyMicro !== undefined) await this.policy.checkSpend(totals.hourlyMicro);
    return this.policy.verdict(session, this.clock.now());
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
    const micro = this.floor.due(session, now);
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

  /** De-duplication: this instance's memory first, then the shared ledger (another process may have counted it). */
  private async firstSight(session: CostSession, usageKey: string): Promise<boolean> {
    if (session.seen.has(usageKey)) return false;
    session.seen.add(usageKey);
    try {
      return await this.ledger.claim(session.id, usageKey);
    } catch {
      return true; // ledger unreachable: charge it (this instance's memory still stops repeats)
    }
  }
}

function transientSession(id: string, now: number): CostSession {
  return { id, reserved: false, createdAt: now, spentMicro: 0, meteredMicro: 0, chargedMicro: 0, seen: new Set(), durationWarned: false, durationEndsSent: 0 };
}
