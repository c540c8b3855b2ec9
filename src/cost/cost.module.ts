import { Module } from '@nestjs/common';
import { costConfig } from '../config/cost.config';
import { realtimeConfig } from '../config/realtime.config';
import { SESSION_COST } from '../common/session-ports';
import { ChargeBound } from './charge-bound';
import { CircuitBreaker } from './circuit-breaker.service';
import { CostAdmission } from './cost-admission.service';
import { CostLedger } from './cost-ledger.service';
import { CostSessions } from './cost-sessions';
import { buildCostSettings, COST_SETTINGS, type CostSettings } from './cost-settings';
import { COST_METRIC_PROVIDERS, CostMetrics } from './cost.metrics';
import { CostService } from './cost.service';
import { DurationWatchdog } from './duration-watchdog.service';
import { EnforcementEvents } from './enforcement-events';
import { LedgerGuard } from './ledger-guard.service';
import { LEDGER_METRIC_PROVIDERS, LedgerMetrics } from './ledger.metrics';
import { PriceBook } from './price-book';
import { DEFAULT_PRICE_TABLE, PRICE_TABLE } from './price-table';
import { UsageMeter } from './usage-meter';

/**
 * Cost protection (contract §5): prices, metering, the shared ledger, admission, the duration
 * watchdog and the circuit breaker. Exports SESSION_COST for the realtime module and UsageMeter
 * for anything that needs a price.
 */
@Module({
  providers: [
    { provide: PRICE_TABLE, useValue: DEFAULT_PRICE_TABLE },
    { provide: COST_SETTINGS, inject: [costConfig.KEY, realtimeConfig.KEY], useFactory: buildCostSettings },
    ...COST_METRIC_PROVIDERS,
    CostMetrics,
    ...LEDGER_METRIC_PROVIDERS,
    LedgerMetrics,
    PriceBook,
    UsageMeter,
    { provide: ChargeBound, inject: [UsageMeter, COST_SETTINGS], useFactory: (meter: UsageMeter, settings: CostSettings) => ChargeBound.forModel(meter, settings.realtimeModel) },
    CostLedger,
    LedgerGuard,
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
