import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock';
import type { GateDecision } from '../common/gate-decision';
import type {
  BackendUsage,
  ClientIdentity,
  EnforcementEvent,
  MeterVerdict,
  SessionCost,
  SessionEndReason,
  SessionLimits,
} from '../common/session-ports';
import { StatusRegistry } from '../health/status.registry';
import { CircuitBreaker } from './circuit-breaker.service';
import { CostAdmission } from './cost-admission.service';
import { CostLedger } from './cost-ledger.service';
import { CostSessions, type CostSession } from './cost-sessions';
import { COST_SETTINGS, OPENAI_MAX_CALL_MS, type CostSettings } from './cost-settings';
import { costUpdate } from './cost-update';
import { CostMetrics, type LimitReason } from './cost.metrics';
import { DurationWatchdog } from './duration-watchdog.service';
import { EnforcementEvents } from './enforcement-events';
import { LedgerGuard } from './ledger-guard.service';
import { formatUsd, toUsd } from './money';
import { UsageMeter, type PricedUsage } from './usage-meter';

/** Duration checks: a session ends within this long of its limit. */
const WATCHDOG_MS = 250;
/** Breaker poll (the safety net behind the announcement), queued-charge retry, gauges. */
const POLL_MS = 1_000;
const GAUGE_EVERY_POLLS = 5;

/**
 * The cost module's face to the realtime module (the SESSION_COST port): admission at the
 * /session gate, metering of every usage event with a verdict, release at the end, and
 * enforcement events decided by timers and by other instances. It decides; the realtime module
 * acts through its own single end path.
 */
@Injectable()
export class CostService implements SessionCost, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(CostService.name);
  private readonly timers: NodeJS.Timeout[] = [];
  private stopListening: (() => void) | undefined;
  private polls = 0;

  constructor(
    @Inject(COST_SETTINGS) private readonly settings: CostSettings,
    private readonly clock: Clock,
    private readonly meter: UsageMeter,
    private readonly ledger: CostLedger,
    private readonly admission: CostAdmission,
    private readonly breaker: CircuitBreaker,
    private readonly watchdog: DurationWatchdog,
    private readonly sessions: CostSessions,
    private readonly events: EnforcementEvents,
    private readonly metrics: CostMetrics,
    private readonly status: StatusRegistry,
    private readonly guard: LedgerGuard,
  ) {}

  onModuleInit(): void {
    const s = this.settings;
    const ceiling = this.meter.responseCeiling(s.realtimeModel, s.maxOutputTokens);
    this.logger.log(
      `Cost protection ${s.enabled ? 'enforced' : 'DISABLED (metering only)'}: budget ${formatUsd(toUsd(s.budgetMicro))} and ` +
        `${Math.round(s.maxDurationMs / 1000)} s per session, hourly cap ${formatUsd(toUsd(s.hourlyCapMicro))}, ` +
        `breaker at ${formatUsd(toUsd(s.breakerThresholdMicro))}, reservation ${formatUsd(toUsd(s.reservationMicro))}; ` +
        `one ${ceiling.model} response costs at most ${formatUsd(ceiling.totalUsd)} (${formatUsd(toUsd(this.guard.bound.maxMicro))} with the model's own output limit, ` +
        `the most any usage event is charged; prices as of ${this.meter.pricesAsOf()})`,
    );
    this.status.register('sessions', () => this.admission.acceptance());
    if (s.enabled) {
      this.stopListening = this.breaker.listen();
      this.timers.push(setInterval(() => this.watchdog.check(), WATCHDOG_MS).unref());
    }
    this.timers.push(setInterval(() => void this.poll(), POLL_MS).unref());
  }

  onModuleDestroy(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.length = 0;
    this.stopListening?.();
  }

  async admit(sessionId: string, identity: ClientIdentity): Promise<GateDecision> {
    const decision = await this.admission.admit(sessionId, identity);
    if (decision.admitted) {
      const session = this.sessions.ensure(sessionId, this.clock.now());
      session.identity = identity;
      session.reserved = this.settings.enabled;
    }
    return decision;
  }

  limits(): SessionLimits {
    return { maxCostUsd: toUsd(this.settings.budgetMicro), maxDurationSec: Math.round(this.settings.maxDurationMs / 1000) };
  }

  started(sessionId: string): void {
    const session = this.sessions.ensure(sessionId, this.clock.now());
    session.startedAt ??= this.clock.now();
    // Admitted just before the breaker opened: it must not start a call the breaker forbids.
    if (this.settings.enabled && this.breaker.knownOpen()) {
      setImmediate(() => this.events.emit({ kind: 'end', sessionId, reason: 'circuit_breaker' }));
    }
  }

  recordResponseUsage(sessionId: string, model: string, responseId: string, usage: unknown): Promise<MeterVerdict> {
    return this.record(sessionId, 'response', responseId, () => this.meter.priceResponse(model, usage));
  }

  recordTranscriptionUsage(sessionId: string, model: string, itemId: string, usage: unknown): Promise<MeterVerdict> {
    return this.record(sessionId, 'transcription', itemId, () => this.meter.priceTranscription(model, usage));
  }

  recordBackendUsage(sessionId: string, usage: BackendUsage): Promise<MeterVerdict> {
    return this.record(sessionId, 'backend', usage.id, () => this.meter.priceBackend(usage));
  }

  async release(sessionId: string, options: { keepWorstCase?: boolean } = {}): Promise<void> {
    const session = this.sessions.remove(sessionId);
    if (!session?.reserved) return;
    // The call may still be running unmetered: its worst-case hold expires at the call's limit.
    if (session.unwatched && options.keepWorstCase) return;
    try {
      await this.ledger.releaseReservation(sessionId, session.identity?.userKey);
    } catch (error) {
      // The ledger retries it every second until it answers (and it expires by itself anyway).
      this.logger.warn(`could not release the reservation of session ${sessionId} now (will retry): ${(error as Error).message}`);
    }
  }

  /**
   * The worst case of a call nobody can hang up or meter: one maximal response (the per-event
   * bound) for every minute left before OpenAI's 60-minute limit, held against the hourly cap
   * until then. Never throws: a ledger that cannot take it now refuses admissions anyway.
   */
  async unwatched(sessionId: string): Promise<void> {
    if (!this.settings.enabled) return;
    const now = this.clock.now();
    const session = this.sessions.ensure(sessionId, now);
    const leftMs = Math.max(60_000, (session.startedAt ?? session.createdAt) + OPENAI_MAX_CALL_MS - now);
    const micro = Math.ceil(leftMs / 60_000) * this.guard.bound.maxMicro;
    session.unwatched = true;
    session.reserved = true;
    this.logger.error(`session ${sessionId}: its call runs unwatched; holding its worst case ${formatUsd(toUsd(micro))} against the hourly cap for ${Math.round(leftMs / 60_000)} min`);
    try {
      await this.ledger.holdRegardless(sessionId, micro, leftMs, session.identity?.userKey);
    } catch (error) {
      this.logger.error(`session ${sessionId}: the worst-case hold could not be placed now: ${(error as Error).message}`);
    }
  }

  onEnforcement(listener: (event: EnforcementEvent) => void): () => void {
    return this.events.subscribe(listener);
  }

  /** One poll tick: breaker safety net, queued charges, gauges. Never throws. */
  async poll(): Promise<void> {
    if (this.settings.enabled) await this.breaker.poll();
    const hourlyMicro = await this.ledger.flush().catch(() => undefined);
    if (hourlyMicro !== undefined) await this.checkBreaker(hourlyMicro);
    this.guard.reportBacklog();
    if (this.polls++ % GAUGE_EVERY_POLLS === 0) await this.admission.acceptance();
  }

  /**
   * Meter one usage event once (by its id), charge it to the shared ledger and decide whether the
   * session may go on. Never throws: a ledger failure leaves the charge queued and the decision
   * to what this instance knows.
   */
  private async record(sessionId: string, kind: string, id: string, price: () => PricedUsage): Promise<MeterVerdict> {
    const now = this.clock.now();
    // A session unknown here (released already, or never admitted) is still charged: the spend happened.
    const session = this.sessions.get(sessionId) ?? transientSession(sessionId, now);
    if (id && !(await this.firstSight(session, `${kind}:${id}`))) return this.verdict(session, now);

    // Bounded before anything counts it: an absurd report is charged what one response can cost.
    const priced = this.guard.bounded(sessionId, price());
    this.metrics.charged(priced);
    session.meteredMicro += priced.micro;
    const totals = await this.ledger.charge(sessionId, priced.micro, session.identity?.userKey);
    session.spentMicro = Math.max(session.spentMicro, session.meteredMicro, totals.sessionMicro ?? 0);
    if (totals.hourlyMicro !== undefined) await this.checkBreaker(totals.hourlyMicro);
    return this.verdict(session, this.clock.now());
  }

  private async checkBreaker(hourlyMicro: number): Promise<void> {
    this.metrics.hourlySpend(hourlyMicro);
    await this.breaker.tripIfOver(hourlyMicro).catch((error: Error) => this.logger.warn(`breaker check failed: ${error.message}`));
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

  private verdict(session: CostSession, now: number): MeterVerdict {
    const update = costUpdate(session, this.settings, now);
    if (!this.settings.enabled) return { end: false, update };
    const reason = this.endReason(session, now);
    if (!reason) return { end: false, update };
    if (!session.endedFor) {
      session.endedFor = reason;
      // Breaker ends are counted where the breaker ends every session (CircuitBreaker).
      if (reason !== 'circuit_breaker') this.metrics.limitHit(reason);
      this.logger.log(`session ${session.id} ends: ${reason} at ${formatUsd(update.sessionCostUsd)}`);
    }
    return { end: true, reason, update };
  }

  private endReason(session: CostSession, now: number): Extract<SessionEndReason, LimitReason> | undefined {
    if (session.spentMicro >= this.settings.budgetMicro) return 'budget_exceeded';
    if (this.breaker.knownOpen()) return 'circuit_breaker';
    if (session.startedAt !== undefined && now - session.startedAt >= this.settings.maxDurationMs) return 'duration_exceeded';
    return undefined;
  }
}

function transientSession(id: string, now: number): CostSession {
  return { id, reserved: false, createdAt: now, spentMicro: 0, meteredMicro: 0, seen: new Set(), durationWarned: false, durationEndsSent: 0 };
}
