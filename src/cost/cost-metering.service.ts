import { Injectable } from '@nestjs/common';
import type { RealtimeResponseUsage } from 'openai/resources/realtime/realtime';
import { Clock } from '../common/clock';
import type { BackendUsage, MeterVerdict, TranscriptionUsage } from '../common/session-ports';
import { CostLedger } from './cost-ledger.service';
import { CostPolicy } from './cost-policy.service';
import { CostSessions, type CostSession } from './cost-sessions';
import type { PricedUsage } from './usage-meter';
import { UsagePricing } from './usage-pricing.service';

/**
 * Every usage event of a session, metered once (by its id), charged to the shared ledger, and
 * answered with the policy's verdict. Never throws: a ledger failure leaves the charge queued
 * and the decision to what this instance knows.
 */
@Injectable()
export class CostMetering {
  constructor(
    private readonly clock: Clock,
    private readonly pricing: UsagePricing,
    private readonly ledger: CostLedger,
    private readonly sessions: CostSessions,
    private readonly policy: CostPolicy,
  ) {}

  recordResponseUsage(sessionId: string, model: string, responseId: string, usage: RealtimeResponseUsage): Promise<MeterVerdict> {
    return this.record(sessionId, 'response', responseId, () => this.pricing.response(sessionId, model, usage));
  }

  recordTranscriptionUsage(sessionId: string, model: string, itemId: string, usage: TranscriptionUsage): Promise<MeterVerdict> {
    return this.record(sessionId, 'transcription', itemId, () => this.pricing.transcription(sessionId, model, usage));
  }

  recordBackendUsage(sessionId: string, usage: BackendUsage): Promise<MeterVerdict> {
    return this.record(sessionId, 'backend', usage.id, () => this.pricing.backend(sessionId, usage));
  }

  private async record(sessionId: string, kind: string, id: string, price: () => PricedUsage): Promise<MeterVerdict> {
    const now = this.clock.now();
    // A session unknown here (released already, or never admitted) is still charged: the spend happened.
    const session = this.sessions.get(sessionId) ?? transientSession(sessionId, now);
    if (id && !(await this.firstSight(session, `${kind}:${id}`))) return this.policy.verdict(session, now);

    // Priced, bounded and counted (UsagePricing) only once it is known to be new.
    const priced = price();
    session.meteredMicro += priced.micro;
    // Only what raises the counted spend: usage the time floor already charged is not added twice.
    const totals = await this.ledger.charge(sessionId, this.policy.floorDue(session, now), session.identity?.userKey);
    session.spentMicro = Math.max(session.spentMicro, session.chargedMicro, totals.sessionMicro ?? 0);
    if (totals.hourlyMicro !== undefined) await this.policy.checkSpend(totals.hourlyMicro);
    return this.policy.verdict(session, this.clock.now());
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
