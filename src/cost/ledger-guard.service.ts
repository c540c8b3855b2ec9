import { Injectable, Logger } from '@nestjs/common';
import { ChargeBound } from './charge-bound';
import { CircuitBreaker } from './circuit-breaker.service';
import { CostLedger, type RejectedCharge } from './cost-ledger.service';
import { LedgerMetrics } from './ledger.metrics';
import { formatUsd, toUsd } from './money';
import type { PricedUsage } from './usage-meter';

/**
 * Keeps one bad usage report from breaking spend safety: every priced event is cut to what one
 * response can cost (ChargeBound) before it reaches the ledger, and a charge the ledger rejects
 * (refused by the store, or stuck while the ledger answers) opens the breaker — spend that
 * cannot be counted must not go on. Both are logged and counted; the queue's size and age are
 * exported as gauges.
 */
@Injectable()
export class LedgerGuard {
  private readonly logger = new Logger(LedgerGuard.name);

  constructor(
    readonly bound: ChargeBound,
    private readonly ledger: CostLedger,
    private readonly breaker: CircuitBreaker,
    private readonly metrics: LedgerMetrics,
  ) {
    ledger.onRejected((rejected) => void this.rejected(rejected));
  }

  /**
   * One tick of the queue (every poll): retry the charges and releases waiting for the ledger,
   * export the queue's size and age, and return the rolling-hour spend after the last charge
   * written, so the breaker can be checked against spend that arrived late. Never throws.
   */
  async retryQueued(): Promise<number | undefined> {
    const hourlyMicro = await this.ledger.flush().catch(() => undefined);
    this.metrics.backlog(this.ledger.backlog());
    return hourlyMicro;
  }

  /** The priced event as it may be charged: at most the per-response bound. */
  bounded(sessionId: string, priced: PricedUsage): PricedUsage {
    const { micro, clamped } = this.bound.apply(priced.micro);
    if (!clamped) return micro === priced.micro ? priced : { ...priced, micro };
    this.metrics.problem('clamped');
    this.logger.warn(
      `session ${sessionId}: a usage report priced at ${String(priced.micro).slice(0, 24)} µUSD, more than one response can cost; ` +
        `charged the bound ${formatUsd(toUsd(micro))}`,
    );
    // The token counts of such a report are no more real than its price: they are not counted.
    return { ...priced, micro, tokens: {} };
  }

  /**
   * A usage event naming a model the price book has no price for (configured models are checked at
   * start-up, so this is a report from upstream naming another): nothing is guessed, it is charged
   * the per-response bound, the most one response can cost.
   */
  unpriced(sessionId: string, error: Error): PricedUsage {
    this.metrics.problem('unpriced');
    const micro = this.bound.apply(Number.POSITIVE_INFINITY).micro;
    this.logger.warn(`session ${sessionId}: ${error.message}; charged the bound ${formatUsd(toUsd(micro))}`);
    return { model: 'unpriced', micro, tokens: {} };
  }

  private async rejected(rejected: RejectedCharge): Promise<void> {
    this.metrics.problem(rejected.reason);
    const what = rejected.reason === 'refused' ? 'refused by the ledger' : 'stuck (it keeps failing while the ledger answers)';
    this.logger.error(`session ${rejected.sessionId}: a charge of ${formatUsd(toUsd(rejected.micro))} was ${what}: ${rejected.error}`);
    await this.breaker.openFor(`a charge of ${formatUsd(toUsd(rejected.micro))} could not be written to the ledger`, rejected.micro);
  }
}
