import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CircuitBreaker } from './circuit-breaker.service';
import { CostAdmission } from './cost-admission.service';
import { CostPolicy } from './cost-policy.service';
import { DurationWatchdog } from './duration-watchdog.service';
import { FloorCharges } from './floor-charges.service';
import { LedgerGuard } from './ledger-guard.service';

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
    private readonly admission: CostAdmission,
    private readonly breaker: CircuitBreaker,
    private readonly watchdog: DurationWatchdog,
    private readonly policy: CostPolicy,
    private readonly floor: FloorCharges,
    private readonly guard: LedgerGuard,
  ) {}

  onModuleInit(): void {
    if (this.policy.enforced) {
      this.stopListening = this.breaker.listen();
      this.timers.push(setInterval(() => this.watchdog.check(), WATCHDOG_MS).unref());
      if (this.floor.active) this.timers.push(setInterval(() => void this.floor.chargeFloors(), FLOOR_MS).unref());
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
    if (this.policy.enforced) await this.breaker.poll();
    const hourlyMicro = await this.guard.retryQueued();
    if (hourlyMicro !== undefined) await this.policy.checkSpend(hourlyMicro);
    if (this.polls++ % GAUGE_EVERY_POLLS === 0) await this.admission.acceptance();
  }
}
