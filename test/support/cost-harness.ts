// Builds the cost module's services by hand around a ManualClock and a real MemoryStore, for the
// cost unit specs and the bench. Not a spec itself (no tests).
import type { RealtimeResponseUsage } from 'openai/resources/realtime/realtime';
import type { ConfigType } from '@nestjs/config';
import { Registry } from 'prom-client';
import type { Clock } from '../../src/common/clock';
import { ManualClock } from './manual-clock';
import type { ClientIdentity, EnforcementEvent } from '../../src/common/session-ports';
import type { costConfig } from '../../src/config/cost.config';
import type { realtimeConfig } from '../../src/config/realtime.config';
import { StatusRegistry } from '../../src/common/status-registry';
import { MemoryStore } from '../../src/storage/memory.store';
import type { StateStore } from '../../src/storage/state-store';
import { ChargeBound } from '../../src/cost/charge-bound';
import { CircuitBreaker } from '../../src/cost/circuit-breaker.service';
import { CostAdmission } from '../../src/cost/cost-admission.service';
import { CostLedger } from '../../src/cost/cost-ledger.service';
import { CostMetering } from '../../src/cost/cost-metering.service';
import { CostPolicy } from '../../src/cost/cost-policy.service';
import { CostSessions } from '../../src/cost/cost-sessions';
import { CostTimers } from '../../src/cost/cost-timers.service';
import { FloorCharges } from '../../src/cost/floor-charges.service';
import { buildCostSettings, type CostSettings } from '../../src/cost/cost-settings';
import { createCostMetrics, type CostMetrics } from '../../src/cost/cost.metrics';
import { CostService } from '../../src/cost/cost.service';
import { DurationWatchdog } from '../../src/cost/duration-watchdog.service';
import { LedgerGuard } from '../../src/cost/ledger-guard.service';
import { createLedgerMetrics } from '../../src/cost/ledger.metrics';
import { UsagePricing } from '../../src/cost/usage-pricing.service';
import { SessionReservations } from '../../src/cost/session-reservations.service';
import { EnforcementBus } from '../../src/common/enforcement-bus';
import { PriceBook } from '../../src/cost/price-book';
import { DEFAULT_PRICE_TABLE } from '../../src/common/price-table';
import { SpendFloor } from '../../src/cost/spend-floor';
import { UsageMeter } from '../../src/cost/usage-meter';

export type CostConfig = ConfigType<typeof costConfig>;

export const MINUTE = 60_000;

/** The defaults of the README's configuration table, scaled for tests where a test says so. */
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
    // Off unless a test is about it: the other specs count metered usage only.
    minUsdPerMinute: 0,
    priceOverrides: {},
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

/** The cost module's services, wired by hand exactly as CostModule wires them. */
export interface CostParts {
  settings: CostSettings;
  metrics: CostMetrics;
  bus: EnforcementBus;
  status: StatusRegistry;
  ledger: CostLedger;
  breaker: CircuitBreaker;
  watchdog: DurationWatchdog;
  sessions: CostSessions;
  admission: CostAdmission;
  policy: CostPolicy;
  metering: CostMetering;
  floorCharges: FloorCharges;
  floor: SpendFloor;
  service: CostService;
  timers: CostTimers;
}

export function wireCostModule(store: StateStore, settings: CostSettings, clock: Clock, registry = new Registry()): CostParts {
  const { metrics, breakerMetrics } = createCostMetrics(registry);
  const prices = new PriceBook(DEFAULT_PRICE_TABLE);
  const meter = new UsageMeter(prices);
  const floor = new SpendFloor(settings, prices);
  const sessions = new CostSessions();
  const bus = new EnforcementBus();
  const status = new StatusRegistry();
  const ledger = new CostLedger(store, settings, clock);
  const breaker = new CircuitBreaker(store, settings, clock, bus, sessions, breakerMetrics);
  const watchdog = new DurationWatchdog(settings, clock, sessions, bus, metrics);
  const admission = new CostAdmission(settings, clock, ledger, breaker, metrics, status);
  const policy = new CostPolicy(settings, breaker, metrics, bus, meter, floor);
  const bound = ChargeBound.forModel(meter, settings.realtimeModel);
  const guard = new LedgerGuard(bound, ledger, breaker, createLedgerMetrics(registry));
  const metering = new CostMetering(clock, new UsagePricing(meter, guard, metrics), ledger, sessions, policy);
  const floorCharges = new FloorCharges(clock, ledger, sessions, policy, bus);
  const service = new CostService(clock, admission, sessions, policy, metering, new SessionReservations(settings, clock, sessions, ledger, bound));
  const timers = new CostTimers(admission, breaker, watchdog, policy, floorCharges, guard);
  return { settings, metrics, bus, status, ledger, breaker, watchdog, sessions, admission, policy, metering, floorCharges, floor, service, timers };
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
  timers: CostTimers;
  metering: CostMetering;
  floorCharges: FloorCharges;
  policy: CostPolicy;
  status: StatusRegistry;
  events: EnforcementEvent[];
  /** What Nest does at boot and at shutdown (status sections, timers, the breaker's listener). */
  init(): void;
  destroy(): void;
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
  const parts = wireCostModule(switchable.store, settings, clock, registry);
  const events: EnforcementEvent[] = [];
  parts.bus.subscribe((event) => events.push(event));
  return {
    clock,
    memory,
    switchable,
    settings,
    registry,
    ledger: parts.ledger,
    breaker: parts.breaker,
    watchdog: parts.watchdog,
    sessions: parts.sessions,
    service: parts.service,
    timers: parts.timers,
    metering: parts.metering,
    floorCharges: parts.floorCharges,
    policy: parts.policy,
    status: parts.status,
    events,
    init() {
      parts.admission.onModuleInit();
      parts.timers.onModuleInit();
    },
    destroy() {
      parts.timers.onModuleDestroy();
    },
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
export function usageCosting(micro: number): RealtimeResponseUsage {
  if (micro % 24 !== 0) throw new Error('pick a multiple of 24 µUSD');
  return { output_tokens: micro / 24, output_token_details: { text_tokens: micro / 24, audio_tokens: 0 } };
}

/** Let MemoryStore's setImmediate event deliveries run. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
