import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { InjectStore } from '../storage/inject-store.decorator';
import type { StateStore } from '../storage/state-store';
import { COST_SETTINGS, type CostSettings } from './cost-settings';
import { BreakerMetrics } from './cost.metrics';
import { CostSessions } from './cost-sessions';
import { EnforcementBus } from '../common/enforcement-bus';
import { formatUsd, toUsd } from './money';

/** The shared breaker record; it expires by itself when the breaker resets (no lockout). */
export interface BreakerRecord {
  openedAt: number;
  resetAt: number;
  /** Rolling-hour spend (µUSD) that opened it. */
  spendMicro: number;
}

const RECORD = 'cost:breaker';
const CHANNEL = 'cost.breaker-opened';

/**
 * The emergency stop: rolling-hour spend at the threshold opens it for the reset period. The
 * instance whose charge crossed the threshold opens it (exactly once across instances: the
 * record is written with setIfAbsent), counts the activation and announces it on the store's
 * event channel; every instance then ends every call it runs. A poll of the record is the
 * safety net for a lost announcement. While it is open new sessions are refused; it closes by
 * itself when the record expires, whatever traffic there is.
 */
@Injectable()
export class CircuitBreaker {
  private readonly logger = new Logger(CircuitBreaker.name);
  /** Until when this instance knows the breaker is open. */
  private openUntil = 0;
  /** `openedAt` of the last opening this instance ended its sessions for. */
  private actedOn = 0;

  constructor(
    @InjectStore() private readonly store: StateStore,
    @Inject(COST_SETTINGS) private readonly settings: CostSettings,
    private readonly clock: Clock,
    private readonly events: EnforcementBus,
    private readonly sessions: CostSessions,
    private readonly metrics: BreakerMetrics,
  ) {
    // Exported so dashboards and alerts follow the real configuration.
    metrics.configuredThreshold(settings.breakerThresholdMicro);
  }

  /**
   * Listen for openings announced by any instance; returns the function that stops listening.
   * Announcements missed while the event connection was away are picked up from the record.
   */
  listen(): () => void {
    return this.store.subscribe(
      CHANNEL,
      (message) => {
        if (isBreakerRecord(message)) this.learn(message);
      },
      () => void this.poll(),
    );
  }

  /** Open as far as this instance knows, without asking the store. */
  knownOpen(): boolean {
    return this.openUntil > this.clock.now();
  }

  /** Seconds until the known opening resets (≥ 1). */
  knownRetryAfterSec(): number {
    return Math.max(1, Math.ceil((this.openUntil - this.clock.now()) / 1000));
  }

  /** The live record from the store, or undefined when closed. Throws when the store is unreachable. */
  async read(): Promise<BreakerRecord | undefined> {
    const record = await this.store.get<BreakerRecord>(RECORD);
    if (!isBreakerRecord(record) || record.resetAt <= this.clock.now()) {
      this.metrics.state(this.knownOpen());
      return undefined;
    }
    this.learn(record);
    return record;
  }

  /** The safety-net poll: pick up an opening whose announcement never arrived. Never throws. */
  async poll(): Promise<void> {
    try {
      await this.read();
    } catch {
      // The ledger is unreachable: admission already fails closed; keep what we know.
    }
  }

  /**
   * After a charge: open the breaker if rolling-hour spend reached the threshold. True when the
   * breaker is (now) open. Throws when the store is unreachable.
   */
  async tripIfOver(hourlyMicro: number): Promise<boolean> {
    if (!this.settings.enabled || hourlyMicro < this.settings.breakerThresholdMicro) return false;
    return this.open(
      hourlyMicro,
      `rolling-hour spend ${formatUsd(toUsd(hourlyMicro))} reached ${formatUsd(toUsd(this.settings.breakerThresholdMicro))}`,
    );
  }

  /**
   * Open the breaker whatever the spend: spend happened that the ledger cannot count (a charge it
   * rejected), so the figures the cap relies on are wrong (fail closed). If even the record
   * cannot be written, this instance still acts on it. Never throws.
   */
  async openFor(cause: string, spendMicro: number): Promise<void> {
    if (!this.settings.enabled) return;
    try {
      await this.open(spendMicro, cause);
    } catch (error) {
      const now = this.clock.now();
      this.logger.error(`Circuit breaker OPEN on this instance only (${cause}); the shared record could not be written: ${(error as Error).message}`);
      this.learn({ openedAt: now, resetAt: now + this.settings.breakerResetMs, spendMicro });
    }
  }

  private async open(spendMicro: number, cause: string): Promise<boolean> {
    const now = this.clock.now();
    const record: BreakerRecord = { openedAt: now, resetAt: now + this.settings.breakerResetMs, spendMicro };
    if (await this.store.setIfAbsent(RECORD, record, this.settings.breakerResetMs)) {
      this.metrics.activated();
      this.logger.error(
        `Circuit breaker OPEN: ${cause}; every call is being hung up and new sessions are refused until ${new Date(record.resetAt).toISOString()}`,
      );
      this.learn(record);
      // Other instances also learn it from the poll if this announcement is lost.
      await this.store.publish(CHANNEL, record).catch((error: Error) => this.logger.warn(`breaker announcement failed: ${error.message}`));
      return true;
    }
    return (await this.read()) !== undefined;
  }

  /** Take note of an opening; the first time, end every call on this instance. */
  private learn(record: BreakerRecord): void {
    if (record.resetAt <= this.clock.now()) return;
    this.openUntil = Math.max(this.openUntil, record.resetAt);
    this.metrics.state(true);
    // With enforcement off this instance reports the breaker but ends nothing.
    if (!this.settings.enabled || record.openedAt === this.actedOn) return;
    this.actedOn = record.openedAt;
    const running = this.sessions.size;
    if (running > 0) {
      this.logger.warn(`Circuit breaker open: ending ${running} call(s) on this instance`);
      this.metrics.sessionsEnded(running);
    }
    this.events.emit({ kind: 'end', sessionId: '*', reason: 'circuit_breaker' });
  }
}

function isBreakerRecord(value: unknown): value is BreakerRecord {
  const record = value as BreakerRecord | undefined;
  return typeof record === 'object' && record !== null && typeof record.openedAt === 'number' && typeof record.resetAt === 'number';
}
