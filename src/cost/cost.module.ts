import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { costConfig } from '../config/cost.config';
import { realtimeConfig } from '../config/realtime.config';
import { COST_PARTICIPANT } from '../common/session-lifecycle';
import { SESSION_COST } from '../common/session-ports';
import { ChargeBound } from './charge-bound';
import { CircuitBreaker } from './circuit-breaker.service';
import { CostAdmission } from './cost-admission.service';
import { CostLedger } from './cost-ledger.service';
import { CostMetering } from './cost-metering.service';
import { CostPolicy } from './cost-policy.service';
import { CostSessions } from './cost-sessions';
import { CostTimers } from './cost-timers.service';
import { FloorCharges } from './floor-charges.service';
import { buildCostSettings, COST_SETTINGS, type CostSettings } from './cost-settings';
import { BreakerMetrics, COST_METRIC_PROVIDERS, CostMetrics } from './cost.metrics';
import { CostParticipant } from './cost.participant';
import { CostService } from './cost.service';
import { DurationWatchdog } from './duration-watchdog.service';
import { LedgerGuard } from './ledger-guard.service';
import { LEDGER_METRIC_PROVIDERS, LedgerMetrics } from './ledger.metrics';
import { PriceBook } from './price-book';
import { DEFAULT_PRICE_TABLE, PRICE_TABLE, withPriceOverrides } from '../common/price-table';
import { SpendFloor } from './spend-floor';
import { SessionReservations } from './session-reservations.service';
import { UsageMeter } from './usage-meter';
import { UsagePricing } from './usage-pricing.service';

/**
 * Cost protection (COST_PROTECTION_*): prices, metering, the shared ledger, admission, the duration
 * watchdog and the circuit breaker. Exports SESSION_COST and COST_PARTICIPANT for the realtime module and UsageMeter
 * for anything that needs a price.
 */
@Module({
  providers: [
    {
      provide: PRICE_TABLE,
      inject: [costConfig.KEY],
      useFactory: (cost: ConfigType<typeof costConfig>) => withPriceOverrides(DEFAULT_PRICE_TABLE, cost.priceOverrides),
    },
    { provide: COST_SETTINGS, inject: [costConfig.KEY, realtimeConfig.KEY], useFactory: buildCostSettings },
    ...COST_METRIC_PROVIDERS,
    CostMetrics,
    BreakerMetrics,
    ...LEDGER_METRIC_PROVIDERS,
    LedgerMetrics,
    PriceBook,
    UsageMeter,
    { provide: ChargeBound, inject: [UsageMeter, COST_SETTINGS], useFactory: (meter: UsageMeter, settings: CostSettings) => ChargeBound.forModel(meter, settings.realtimeModel) },
    CostLedger,
    LedgerGuard,
    SessionReservations,
    CostSessions,
    CircuitBreaker,
    DurationWatchdog,
    SpendFloor,
    CostAdmission,
    CostPolicy,
    UsagePricing,
    CostMetering,
    FloorCharges,
    CostTimers,
    CostService,
    { provide: SESSION_COST, useExisting: CostService },
    CostParticipant,
    { provide: COST_PARTICIPANT, useExisting: CostParticipant },
  ],
  exports: [SESSION_COST, COST_PARTICIPANT, UsageMeter],
})
export class CostModule {}
