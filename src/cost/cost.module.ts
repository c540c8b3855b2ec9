import { Module } from '@nestjs/common';
import { costConfig } from '../config/cost.config';
import { realtimeConfig } from '../config/realtime.config';
import { SESSION_COST } from '../common/session-ports';
import { CircuitBreaker } from './circuit-breaker.service';
import { CostAdmission } from './cost-admission.service';
import { CostLedger } from './cost-ledger.service';
import { CostSessions } from './cost-sessions';
import { buildCostSettings, COST_SETTINGS } from './cost-settings';
import { COST_METRIC_PROVIDERS, CostMetrics } from './cost.metrics';
import { CostService } from './cost.service';
import { DurationWatchdog } from './duration-watchdog.service';
import { EnforcementEvents } from './enforcement-events';
import { PriceBook } from './price-book';
import { DEFAULT_PRICE_TABLE, PRICE_TABLE } from './price-table';
import { UsageMeter } from './usage-meter';

/**
 * Cost protection (docs/cost-protection.md): prices, metering, the shared ledger, admission, the duration
 * watchdog and the circuit breaker. Exports SESSION_COST for the realtime module and UsageMeter
 * for anything that needs a price.
 */
@Module({
  providers: [
    { provide: PRICE_TABLE, useValue: DEFAULT_PRICE_TABLE },
    { provide: COST_SETTINGS, inject: [costConfig.KEY, realtimeConfig.KEY], useFactory: buildCostSettings },
    ...COST_METRIC_PROVIDERS,
    CostMetrics,
    PriceBook,
    UsageMeter,
    CostLedger,
    CostSessions,
    EnforcementEvents,
    CircuitBreaker,
    DurationWatchdog,
    CostAdmission,
    CostService,
    { provide: SESSION_COST, useExisting: CostService },
  ],
  exports: [SESSION_COST, UsageMeter],
})
export class CostModule {}
