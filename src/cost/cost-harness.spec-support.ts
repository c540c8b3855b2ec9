// Builds the cost module's services by hand around a ManualClock and a real MemoryStore, for the
// unit specs beside this file. Not a spec itself (no tests), and excluded from the build.
import type { ConfigType } from '@nestjs/config';
import { Registry } from 'prom-client';
import { ManualClock } from '../common/clock';
import type { ClientIdentity, EnforcementEvent } from '../common/session-ports';
import type { costConfig } from '../config/cost.config';
import type { realtimeConfig } from '../config/realtime.config';
import { StatusRegistry } from '../health/status.registry';
import { MemoryStore } from '../storage/memory.store';
import type { StateStore } from '../storage/state-store';
import { ChargeBound } from './charge-bound';
import { CircuitBreaker } from './circuit-breaker.service';
import { CostAdmission } from './cost-admission.service';
import { CostLedger } from './cost-ledger.service';
import { CostSessions } from './cost-sessions';
import { buildCostSettings, type CostSettings } from './cost-settings';
import { createCostMetrics } from './cost.metrics';
import { CostService } from './cost.service';
import { DurationWatchdog } from './duration-watchdog.service';
import { EnforcementEvents } from './enforcement-events';
import { LedgerGuard } from './ledger-guard.service';
import { createLedgerMetrics } from './ledger.metrics';
import { PriceBook } from './price-book';
import { DEFAULT_PRICE_TABLE } from './price-table';
import { UsageMeter } from './usage-meter';

export type CostConfig = ConfigType<typeof costConfig>;

export const MINUTE = 60_000;

/** The defaults of contract §1, scaled for tests where a test says so. */
export function costConfigOf(overrides: Partial<CostConfig> = {}): CostConfig {
  return {
    enabled: true,
    maxSessionCostUsd: 5,
    maxSessionDurationMs: 30 * MINUTE,
    maxHourlyCostUsd: 50,
    breakerThresholdUsd: 100,
    breakerResetMs: 30 * MINUTE,
    spendWindowMs: 60 * MINUTE,
    sessionReservationUsd: 0.5,
    maxUserCostPerHourUsd: undefined,
    ...overrides,
  };
}

export function settingsOf(overrides: Partial<CostConfig> = {}): CostSettings {
  const realtime = { model: 'gpt-realtime-2', maxOutputTokens: 1024 } as ConfigType<typeof realtimeConfig>;
  return buildCostSettings(costConfigOf(overrides), realtime);
}

/**
 * A stand-in for Redis in process: a StateStore shared by every harness built on the same memory
 * (two instances on one Redis), reporting itself as Redis, that can be made unreachable like a
 * killed Redis: every call rejects at once.
 */
export class SwitchableStore {
  down = false;
  /** Refuse chosen calls with this error (a store that rejects one request, not all). */
  refuse?: (method: string, args: unknown[]) => Error | undefined;
  readonly store: StateStore;

  constructor(readonly inner: MemoryStore) {
    this.store = new Proxy(inner, {
      get: (target, property, receiver) => {
        if (property === 'backend') return 'redis';
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (property === 'subscribe' || property === 'health') return value.bind(target);
        return (...args: unknown[]) => {
          if (this.down) return Promise.reject(new Error('connection is closed'));
          const refusal = this.refuse?.(String(property), args);
          return refusal ? Promise.reject(refusal) : value.apply(target, args);
        };
      },
    }) as unknown as StateStore;
  }
}

export interface CostHarness {
  clock: ManualClock;
  memory: MemoryStore;
  switchable: SwitchableStore;
  settings: CostSettings;
  registry: Registry;
  ledger: CostLedger;
  breaker: CircuitBreaker;
  watchdog: DurationWatchdog;
  sessions: CostSessions;
  service: CostService;
  status: StatusRegistry;
  events: EnforcementEvent[];
  /** A metric's value (summed over label sets matching `labels`). */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
}

/** One "instance" of the cost module. Pass `shared` to build a second instance on the same store and clock. */
export function costHarness(overrides: Partial<CostConfig> = {}, shared?: Pick<CostHarness, 'clock' | 'memory'>): CostHarness {
  const clock = shared?.clock ?? new ManualClock();
  const memory = shared?.memory ?? new MemoryStore(clock);
  const switchable = new SwitchableStore(memory);
  const settings = settingsOf(overrides);
  const registry = new Registry();
  const metrics = createCostMetrics(registry);
  const meter = new UsageMeter(new PriceBook(DEFAULT_PRICE_TABLE));
  const sessions = new CostSessions();
  const enforcement = new EnforcementEvents();
  const ledger = new CostLedger(switchable.store, settings, clock);
  const breaker = new CircuitBreaker(switchable.store, settings, clock, enforcement, sessions, metrics);
  const guard = new LedgerGuard(ChargeBound.forModel(meter, settings.realtimeModel), ledger, breaker, createLedgerMetrics(registry));
  const watchdog = new DurationWatchdog(settings, clock, sessions, enforcement, metrics);
  const admission = new CostAdmission(settings, clock, ledger, breaker, metrics);
  const status = new StatusRegistry();
  const service = new CostService(settings, clock, meter, ledger, admission, breaker, watchdog, sessions, enforcement, metrics, status, guard);
  const events: EnforcementEvent[] = [];
  service.onEnforcement((event) => events.push(event));
  return {
    clock,
    memory,
    switchable,
    settings,
    registry,
    ledger,
    breaker,
    watchdog,
    sessions,
    service,
    status,
    events,
    async metric(name, labels = {}) {
      const metric = registry.getSingleMetric(name);
      if (!metric) throw new Error(`no metric ${name}`);
      const { values } = await metric.get();
      return values
        .filter((value) => Object.entries(labels).every(([key, expected]) => String(value.labels[key]) === expected))
        .reduce((sum, value) => sum + value.value, 0);
    },
  };
}

export const identity = (n = 1, userKey?: string): ClientIdentity => ({ ip: `203.0.113.${n}`, clientKey: `203.0.113.${n}`, userKey });

/** A response.done usage costing exactly `micro` µUSD on gpt-realtime-2 (text output at $24 / 1M). */
export function usageCosting(micro: number): unknown {
  if (micro % 24 !== 0) throw new Error('pick a multiple of 24 µUSD');
  return { output_tokens: micro / 24, output_token_details: { text_tokens: micro / 24, audio_tokens: 0 } };
}

/** Let MemoryStore's setImmediate event deliveries run. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
