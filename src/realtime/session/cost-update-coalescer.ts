import type { CostUpdate } from '../../common/session-ports';

/** At most one `cost.updated` per session this often; a burst of usage events becomes two messages. */
export const COST_UPDATE_INTERVAL_MS = 250;

export interface CostUpdateSink {
  /** Send one `cost.updated`; false when it was dropped (the browser is not reading). */
  send(update: CostUpdate, droppable: boolean): boolean;
}

/**
 * The `cost.updated` cadence: the first update after a quiet spell goes out at once, later ones
 * within COST_UPDATE_INTERVAL_MS are merged into one that goes out when the interval is up — so
 * the browser always ends up with the latest figure, however many usage events arrive and
 * however slowly it reads (a dropped message is sent again, never lost). The last one before
 * `session.ended` is sent by flush().
 */
export class CostUpdateCoalescer {
  private latest?: CostUpdate;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private timer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly sink: CostUpdateSink,
    private readonly now: () => number = () => performance.now(),
    private readonly intervalMs = COST_UPDATE_INTERVAL_MS,
  ) {}

  push(update: CostUpdate): void {
    if (this.closed) return;
    this.latest = update;
    if (this.timer) return;
    const wait = this.lastSentAt + this.intervalMs - this.now();
    if (wait <= 0) this.sendLatest();
    else this.schedule(wait);
  }

  /** Send what is waiting now, even to a slow reader (the end of the session), and stop. */
  flush(): void {
    if (this.latest && !this.closed) this.sink.send(this.latest, false);
    this.close();
  }

  close(): void {
    this.closed = true;
    this.latest = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private sendLatest(): void {
    const update = this.latest;
    if (!update) return;
    this.lastSentAt = this.now();
    if (this.sink.send(update, true)) this.latest = undefined;
    // Dropped (the browser is behind): try the latest figure again after the interval.
    if (this.latest) this.schedule(this.intervalMs);
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.closed) this.sendLatest();
    }, ms);
    this.timer.unref();
  }
}
