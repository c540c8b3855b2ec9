import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { LedgerBacklog } from './cost-ledger.service';
import type { RejectionReason } from './ledger-commit-policy';
import { toUsd } from './money';

const CHARGES_BOUNDED = 'ducke_cost_charges_rejected_total';
const QUEUED = 'ducke_cost_ledger_queued_usd';
const QUEUE_AGE = 'ducke_cost_ledger_queue_age_seconds';

/** Why a charge did not go to the ledger as priced: cut to the per-response bound, or not written at all. */
/** clamped: priced above the bound; unpriced: names a model without a price; or the ledger's rejections. */
export type ChargeProblem = 'clamped' | 'unpriced' | RejectionReason;

export const LEDGER_METRIC_PROVIDERS = [
  makeCounterProvider({
    name: CHARGES_BOUNDED,
    help: 'Usage charges not written as priced: clamped (charged the per-response bound), refused (the store rejected it) or stuck (kept failing while the ledger answered); the last two open the breaker',
    labelNames: ['reason'],
  }),
  makeGaugeProvider({ name: QUEUED, help: 'Spend waiting to be written to the cost ledger on this instance, in USD' }),
  makeGaugeProvider({ name: QUEUE_AGE, help: 'Age of the oldest charge waiting for the cost ledger on this instance (0 when none); new sessions are refused from 10 s' }),
];

/** LedgerMetrics on a registry of its own (unit tests, benchmarks). */
export function createLedgerMetrics(registry: Registry): LedgerMetrics {
  return new LedgerMetrics(
    new Counter({ name: CHARGES_BOUNDED, help: 'see LedgerMetrics', labelNames: ['reason'], registers: [registry] }),
    new Gauge({ name: QUEUED, help: 'see LedgerMetrics', registers: [registry] }),
    new Gauge({ name: QUEUE_AGE, help: 'see LedgerMetrics', registers: [registry] }),
  );
}

/** What the ledger could not take as it came, and what waits for it. */
@Injectable()
export class LedgerMetrics {
  constructor(
    @InjectMetric(CHARGES_BOUNDED) private readonly problems: Counter<string>,
    @InjectMetric(QUEUED) private readonly queued: Gauge<string>,
    @InjectMetric(QUEUE_AGE) private readonly age: Gauge<string>,
  ) {}

  problem(reason: ChargeProblem): void {
    this.problems.inc({ reason });
  }

  backlog(backlog: LedgerBacklog): void {
    this.queued.set(toUsd(backlog.micro));
    this.age.set(backlog.oldestMs / 1000);
  }
}
