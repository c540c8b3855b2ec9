import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { EnforcementBus } from '../common/enforcement-bus';
import type { MeterVerdict, SessionEndReason, SessionLimits } from '../common/session-ports';
import { CircuitBreaker } from './circuit-breaker.service';
import type { CostSession } from './cost-sessions';
import { COST_SETTINGS, type CostSettings } from './cost-settings';
import { costUpdate } from './cost-update';
import { CostMetrics, type LimitReason } from './cost.metrics';
import { formatUsd, toUsd } from './money';
import { SpendFloor } from './spend-floor';
import { UsageMeter } from './usage-meter';

/**
 * The rules a running session is held to: its budget, its duration, the breaker. Decides from
 * what metering knows; the realtime module acts on the verdicts and on the bus.
 */
@Injectable()
export class CostPolicy implements OnModuleInit {
  private readonly logger = new Logger(CostPolicy.name);

  constructor(
    @Inject(COST_SETTINGS) private readonly settings: CostSettings,
    private readonly breaker: CircuitBreaker,
    private readonly metrics: CostMetrics,
    private readonly bus: EnforcementBus,
    private readonly meter: UsageMeter,
    private readonly floor: SpendFloor,
  ) {}

  onModuleInit(): void {
    const s = this.settings;
    const ceiling = this.meter.responseCeiling(s.realtimeModel, s.maxOutputTokens);
    this.logger.log(
      `Cost protection ${s.enabled ? 'enforced' : 'DISABLED (metering only)'}: budget ${formatUsd(toUsd(s.budgetMicro))} and ` +
        `${Math.round(s.maxDurationMs / 1000)} s per session, hourly cap ${formatUsd(toUsd(s.hourlyCapMicro))}, ` +
        `breaker at ${formatUsd(toUsd(s.breakerThresholdMicro))}, reservation ${formatUsd(toUsd(s.reservationMicro))}, ` +
        `time floor ${this.floor.active ? `${formatUsd(toUsd(this.floor.microPerMinute))} per connected minute` : 'off'}; ` +
        `one ${ceiling.model} response costs at most ${formatUsd(ceiling.totalUsd)} (prices as of ${this.meter.pricesAsOf()})`,
    );
  }

  get enforced(): boolean {
    return this.settings.enabled;
  }

  /** The per-session limits, as `session.started.limits` tells the browser. */
  limits(): SessionLimits {
    return { maxCostUsd: toUsd(this.settings.budgetMicro), maxDurationSec: Math.round(this.settings.maxDurationMs / 1000) };
  }

  /** A call went live: admitted just before the breaker opened, it must not run a call the breaker forbids. */
  checkStart(sessionId: string): void {
    if (this.settings.enabled && this.breaker.knownOpen()) {
      setImmediate(() => this.bus.emit({ kind: 'end', sessionId, reason: 'circuit_breaker' }));
    }
  }

  /** The rolling-hour spend is known: gauge it, and open the breaker past its threshold. Never throws. */
  async checkSpend(hourlyMicro: number): Promise<void> {
    this.metrics.hourlySpend(hourlyMicro);
    await this.breaker.tripIfOver(hourlyMicro).catch((error: Error) => this.logger.warn(`breaker check failed: ${error.message}`));
  }

  /** What the browser is told, and whether the session may go on. */
  verdict(session: CostSession, now: number): MeterVerdict {
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
