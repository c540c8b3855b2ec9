import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import { Counter, Gauge, type Registry } from 'prom-client';
import { toUsd } from './money';
import type { PricedUsage } from './usage-meter';

// Names and labels are fixed by docs/monitoring.md. Labels carry model ids and
// reasons only (bounded sets), never session ids or addresses.
const COST_TOTAL = 'ducke_cost_total_usd';
const TOKENS_TOTAL = 'ducke_tokens_total';
const BREAKER_ACTIVATIONS = 'ducke_circuit_breaker_activations_total';
const LIMIT_HITS = 'ducke_budget_exceeded_total';
const HOURLY_SPEND = 'ducke_hourly_spend_usd';
const BREAKER_OPEN = 'ducke_circuit_breaker_open';
const RESERVED = 'ducke_cost_reserved_usd';
// The configured limits, exported so dashboards and alerts follow the real configuration.
const HOURLY_CAP = 'ducke_hourly_cap_usd';
const BREAKER_THRESHOLD = 'ducke_circuit_breaker_threshold_usd';

/** Which cost rule stopped a session or refused one. */
export type LimitReason = 'budget_exceeded' | 'duration_exceeded' | 'circuit_breaker' | 'hourly_cap' | 'user_hourly_cap' | 'circuit_open';

export const COST_METRIC_PROVIDERS = [
  makeCounterProvider({ name: COST_TOTAL, help: 'Metered OpenAI spend in USD, by model', labelNames: ['model'] }),
  makeCounterProvider({
    name: TOKENS_TOTAL,
    help: 'Metered tokens by model and kind (text_in, audio_in, image_in and cached_in are disjoint parts of the input)',
    labelNames: ['model', 'kind'],
  }),
  makeCounterProvider({ name: BREAKER_ACTIVATIONS, help: 'Times the spend circuit breaker opened (counted once across instances)' }),
  makeCounterProvider({
    name: LIMIT_HITS,
    help: 'Sessions ended or refused by a cost rule, by rule',
    labelNames: ['reason'],
  }),
  makeGaugeProvider({ name: HOURLY_SPEND, help: 'Committed spend over the rolling hour, in USD (all instances)' }),
  makeGaugeProvider({ name: BREAKER_OPEN, help: '1 while the spend circuit breaker is open' }),
  makeGaugeProvider({ name: RESERVED, help: 'Spend reserved by running sessions against the hourly cap, in USD' }),
  makeGaugeProvider({ name: HOURLY_CAP, help: 'Configured hourly cap (COST_PROTECTION_MAX_TOTAL_COST_PER_HOUR_USD), in USD' }),
  makeGaugeProvider({ name: BREAKER_THRESHOLD, help: 'Configured circuit breaker threshold (COST_PROTECTION_CIRCUIT_BREAKER_THRESHOLD_USD), in USD' }),
];

const HELP = 'see CostMetrics';

/** The cost module's metrics on a registry of their own (unit tests and benchmarks, which must not touch the global one). */
export function createCostMetrics(registry: Registry): { metrics: CostMetrics; breakerMetrics: BreakerMetrics } {
  const counter = (name: string, labelNames: string[] = []) => new Counter({ name, help: HELP, labelNames, registers: [registry] });
  const gauge = (name: string) => new Gauge({ name, help: HELP, registers: [registry] });
  // One counter of limit hits, shared as it is in the app: both classes count into it.
  const limitHits = counter(LIMIT_HITS, ['reason']);
  return {
    metrics: new CostMetrics(counter(COST_TOTAL, ['model']), counter(TOKENS_TOTAL, ['model', 'kind']), limitHits, gauge(HOURLY_SPEND), gauge(RESERVED), gauge(HOURLY_CAP)),
    breakerMetrics: new BreakerMetrics(counter(BREAKER_ACTIVATIONS), gauge(BREAKER_OPEN), gauge(BREAKER_THRESHOLD), limitHits),
  };
}

/** The cost module's metrics of spend and limits, behind names that say what happened. */
@Injectable()
export class CostMetrics {
  constructor(
    @InjectMetric(COST_TOTAL) private readonly cost: Counter<string>,
    @InjectMetric(TOKENS_TOTAL) private readonly tokens: Counter<string>,
    @InjectMetric(LIMIT_HITS) private readonly limitHits: Counter<string>,
    @InjectMetric(HOURLY_SPEND) private readonly hourly: Gauge<string>,
    @InjectMetric(RESERVED) private readonly reserved: Gauge<string>,
    @InjectMetric(HOURLY_CAP) private readonly hourlyCap: Gauge<string>,
  ) {}

  charged(usage: PricedUsage): void {
    if (usage.micro > 0) this.cost.inc({ model: usage.model }, toUsd(usage.micro));
    for (const [kind, count] of Object.entries(usage.tokens)) this.tokens.inc({ model: usage.model, kind }, count);
  }

  limitHit(reason: LimitReason, times = 1): void {
    if (times > 0) this.limitHits.inc({ reason }, times);
  }

  hourlySpend(micro: number): void {
    this.hourly.set(toUsd(micro));
  }

  reservedSpend(micro: number): void {
    this.reserved.set(toUsd(micro));
  }

  configuredCap(hourlyCapMicro: number): void {
    this.hourlyCap.set(toUsd(hourlyCapMicro));
  }
}

/** The circuit breaker's metrics: its state, its openings, its threshold and the sessions it ended. */
@Injectable()
export class BreakerMetrics {
  constructor(
    @InjectMetric(BREAKER_ACTIVATIONS) private readonly activations: Counter<string>,
    @InjectMetric(BREAKER_OPEN) private readonly breakerOpen: Gauge<string>,
    @InjectMetric(BREAKER_THRESHOLD) private readonly threshold: Gauge<string>,
    @InjectMetric(LIMIT_HITS) private readonly limitHits: Counter<string>,
  ) {}

  activated(): void {
    this.activations.inc();
  }

  state(open: boolean): void {
    this.breakerOpen.set(open ? 1 : 0);
  }

  configuredThreshold(thresholdMicro: number): void {
    this.threshold.set(toUsd(thresholdMicro));
  }

  sessionsEnded(count: number): void {
    if (count > 0) this.limitHits.inc({ reason: 'circuit_breaker' }, count);
  }
}
