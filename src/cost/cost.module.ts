import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { costConfig } from '../config/cost.config';
import { realtimeConfig } from '../config/realtime.config';
import { COST_PARTICIPANT } from '../common/session-lifecycle';
import { SESSION_COST } from '../common/session-ports';
import { CircuitBreaker } from './circuit-breaker.service';
import { CostAdmission } from './cost-admission.service';
import { CostLedger } from './cost-ledger.service';
import { CostMetering } from './cost-metering.service';
import { CostPolicy } from './cost-policy.service';
import { CostSessions } from './cost-sessions';
import { CostTimers } from './cost-timers.service';
import { buildCostSettings, COST_SETTINGS } from './cost-settings';
import { COST_METRIC_PROVIDERS, CostMetrics } from './cost.metrics';
import { CostParticipant } from './cost.participant';
import { CostService } from './cost.service';
import { DurationWatchdog } from './duration-watchdog.service';
import { PriceBook } from './price-book';
import { DEFAULT_PRICE_TABLE, PRICE_TABLE, withPriceOverrides } from './price-table';
import { SpendFloor } from './spend-floor';
import { UsageMeter } from './usage-meter';

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
    PriceBook,
    UsageMeter,
    CostLedger,
    CostSessions,
    CircuitBreaker,
    DurationWatchdog,
    SpendFloor,
    CostAdmission,
    CostPolicy,
    CostMetering,
    CostTimers,
    CostService,
    { provide: SESSION_COST, useExisting: CostService },
    CostParticipant,
    { provide: COST_PARTICIPANT, useExisting: CostParticipant },
  ],
  exports: [SESSION_COST, COST_PARTICIPANT, UsageMeter],
})
export class CostModule {}
