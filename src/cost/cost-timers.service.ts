import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CircuitBreaker } from './circuit-breaker.service';
import { CostAdmission } from './cost-admission.service';
import { CostLedger } from './cost-ledger.service';
import { CostMetering } from './cost-metering.service';
import { CostPolicy } from './cost-policy.service';
import { COST_SETTINGS, type CostSettings } from './cost-settings';
import { DurationWatchdog } from './duration-watchdog.service';
import { SpendFloor } from './spend-floor';

/** Duration checks: a session ends within this long of its limit. */
const WATCHDOG_MS = 250;
/** Breaker poll (the safety net behind the announcement), queued-charge retry, gauges. */
const POLL_MS = 1_000;
const GAUGE_EVERY_POLLS = 5;
/** How often live sessions' time floors are charged. */
const FLOOR_MS = 1_000;

/** What the cost module does on its own clock: the duration watchdog, the time floor, the breaker poll, queued charges, gauges. */
@Injectable()
export class CostTimers implements OnModuleInit, OnModuleDestroy {
  private readonly timers: NodeJS.Timeout[] = [];
  private stopListening: (() => void) | undefined;
  private polls = 0;

  constructor(
    @Inject(COST_SETTINGS) private readonly settings: CostSettings,
    private readonly ledger: CostLedger,
    private readonly admission: CostAdmission,
    private readonly breaker: CircuitBreaker,
    private readonly watchdog: DurationWatchdog,
    private readonly policy: CostPolicy,
    private readonly metering: CostMetering,
    private readonly floor: SpendFloor,
  ) {}

  onModuleInit(): void {
    if (this.settings.enabled) {
      this.stopListening = this.breaker.listen();
      this.timers.push(setInterval(() => this.watchdog.check(), WATCHDOG_MS).unref());
      if (this.floor.active) this.timers.push(setInterval(() => void this.metering.chargeFloors(), FLOOR_MS).unref());
    }
    this.timers.push(setInterval(() => void this.poll(), POLL_MS).unref());
  }

  onModuleDestroy(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.length = 0;
    this.stopListening?.();
  }

  /** One poll tick: breaker safety net, queued charges, gauges. Never throws. */
  async poll(): Promise<void> {
    if (this.settings.enabled) await this.breaker.poll();
    const hourlyMicro = await this.ledger.flush().catch(() => undefined);
    if (hourlyMicro !== undefined) await this.policy.checkSpend(hourlyMicro);
    if (this.polls++ % GAUGE_EVERY_POLLS === 0) await this.admission.acceptance();
  }
}
