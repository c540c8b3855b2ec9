import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ADMITTED, refuse, type GateDecision } from '../common/gate-decision';
import type { ClientIdentity } from '../common/session-ports';
import { StatusRegistry, type StatusSection } from '../common/status-registry';
import { CircuitBreaker } from './circuit-breaker.service';
import { CostLedger, type ReservationResult } from './cost-ledger.service';
import { COST_SETTINGS, type CostSettings } from './cost-settings';
import { CostMetrics } from './cost.metrics';
import { toUsd } from './money';

/** How soon to try again when spend cannot be verified (Redis is usually back within seconds). */
const LEDGER_RETRY_SEC = 5;

/**
 * The cost step of the /session gate, before any call is created: refuses while the breaker is
 * open (`circuit_open`), when the rolling hour is spent (`hourly_cap`: committed spend + the
 * reservations of running sessions + this session's reservation would pass the cap), and —
 * failing closed — when the ledger cannot be read. An admitted session holds its reservation
 * until it is released. Also answers /status: are new sessions accepted right now?
 */
@Injectable()
export class CostAdmission implements OnModuleInit {
  private readonly logger = new Logger(CostAdmission.name);
  private lastLedgerWarningAt = Number.NEGATIVE_INFINITY;

  constructor(
    @Inject(COST_SETTINGS) private readonly settings: CostSettings,
    private readonly clock: Clock,
    private readonly ledger: CostLedger,
    private readonly breaker: CircuitBreaker,
    private readonly metrics: CostMetrics,
    private readonly status: StatusRegistry,
  ) {}

  onModuleInit(): void {
    this.metrics.configuredCap(this.settings.hourlyCapMicro);
    this.status.register('sessions', () => this.acceptance());
  }

  async admit(sessionId: string, identity: ClientIdentity): Promise<GateDecision> {
    if (!this.settings.enabled) return ADMITTED;
    if (this.breaker.knownOpen()) return this.circuitOpen(this.breaker.knownRetryAfterSec());
    if (this.ledger.stalled()) return this.ledgerBacklog();
    let reservation: ReservationResult;
    try {
      const open = await this.breaker.read();
      if (open) return this.circuitOpen((open.resetAt - this.clock.now()) / 1000);
      reservation = await this.ledger.reserve(sessionId, identity.userKey);
    } catch (error) {
      // One line per outage burst, not one per refused visitor.
      if (this.clock.now() - this.lastLedgerWarningAt >= 10_000) {
        this.lastLedgerWarningAt = this.clock.now();
        this.logger.warn(`refusing new sessions: the cost ledger cannot be read (${(error as Error).message})`);
      }
      return refuse(
        'upstream_error',
        'New conversations are paused for a moment: spending cannot be checked right now. Please try again shortly.',
        LEDGER_RETRY_SEC,
      );
    }
    if (reservation.granted) {
      this.metrics.reservedSpend(reservation.heldMicro);
      return ADMITTED;
    }
    const retryAfterSec = await this.retryAfterSec(reservation);
    if (reservation.scope === 'user') {
      this.metrics.limitHit('user_hourly_cap');
      return refuse('hourly_cap', `You have reached your hourly spending limit. Please try again in ${inWords(retryAfterSec)}.`, retryAfterSec);
    }
    this.metrics.limitHit('hourly_cap');
    this.metrics.hourlySpend(reservation.committedMicro);
    return refuse('hourly_cap', `DUCK-E has reached its hourly spending limit. New conversations can start again in ${inWords(retryAfterSec)}.`, retryAfterSec);
  }

  /** The `/status` section: whether new sessions are accepted now, and why not. Never throws. */
  async acceptance(): Promise<StatusSection> {
    const s = this.settings;
    const base = { enforced: s.enabled, hourlyCapUsd: toUsd(s.hourlyCapMicro), breakerThresholdUsd: toUsd(s.breakerThresholdMicro), ...this.queueStatus() };
    let open: Awaited<ReturnType<CircuitBreaker['read']>>;
    let committed: number;
    let held: number;
    try {
      [open, committed, held] = await Promise.all([this.breaker.read(), this.ledger.hourlySpend(), this.ledger.reserved()]);
    } catch {
      return { ...base, accepting: !s.enabled, ...(s.enabled ? { reason: 'ledger_unavailable', retryAfterSec: LEDGER_RETRY_SEC } : {}) };
    }
    this.metrics.hourlySpend(committed);
    this.metrics.reservedSpend(held);
    const figures = { ...base, hourlySpendUsd: toUsd(committed), reservedUsd: toUsd(held), breakerOpen: open !== undefined };
    if (!s.enabled) return { accepting: true, ...figures };
    if (this.ledger.stalled()) {
      return { accepting: false, reason: 'ledger_backlog', retryAfterSec: LEDGER_RETRY_SEC, ...figures, degraded: 'cost ledger queue is not draining' };
    }
    if (open) {
      const retryAfterSec = Math.max(1, Math.ceil((open.resetAt - this.clock.now()) / 1000));
      return {
        accepting: false,
        reason: 'circuit_open',
        retryAfterSec,
        breakerResetsAt: new Date(open.resetAt).toISOString(),
        ...figures,
        // Still HTTP 200: a health check must not restart the service because spending is capped.
        degraded: `circuit breaker open until ${new Date(open.resetAt).toISOString()}`,
      };
    }
    if (committed + held + s.reservationMicro > s.hourlyCapMicro) {
      const retryAfterSec = await this.retryAfterSec({ granted: false, scope: 'hourly', committedMicro: committed, heldMicro: held, capMicro: s.hourlyCapMicro });
      return { accepting: false, reason: 'hourly_cap', retryAfterSec, ...figures };
    }
    return { accepting: true, ...figures };
  }

  /** Charges waiting for the ledger, when any: how many, how much, since when. */
  private queueStatus(): { ledgerQueue?: { charges: number; usd: number; oldestSec: number } } {
    const backlog = this.ledger.backlog();
    if (!backlog.charges) return {};
    return { ledgerQueue: { charges: backlog.charges, usd: toUsd(backlog.micro), oldestSec: Math.floor(backlog.oldestMs / 1000) } };
  }

  /** The ledger answers but its queue does not drain: spend is not being counted (fail closed). */
  private ledgerBacklog(): GateDecision {
    const now = this.clock.now();
    if (now - this.lastLedgerWarningAt >= 10_000) {
      this.lastLedgerWarningAt = now;
      const { charges, oldestMs } = this.ledger.backlog();
      this.logger.warn(`refusing new sessions: ${charges} cost charge(s) have waited ${Math.round(oldestMs / 1000)} s for the ledger`);
    }
    return refuse(
      'upstream_error',
      'New conversations are paused for a moment: spending cannot be checked right now. Please try again shortly.',
      LEDGER_RETRY_SEC,
    );
  }

  private async retryAfterSec(refusal: Extract<ReservationResult, { granted: false }>): Promise<number> {
    try {
      return Math.max(1, Math.ceil((await this.ledger.retryAfterMs(refusal)) / 1000));
    } catch {
      return LEDGER_RETRY_SEC;
    }
  }

  private circuitOpen(retryAfterSec: number): GateDecision {
    this.metrics.limitHit('circuit_open');
    const seconds = Math.max(1, Math.ceil(retryAfterSec));
    return refuse('circuit_open', `DUCK-E paused all conversations after unusually high spending. Please try again in ${inWords(seconds)}.`, seconds);
  }
}

function inWords(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}
