import type { UsageSeenMessage } from '../../common/session-wire';

/**
 * How long a response the page has seen may take to reach the sideband. Both connections get
 * each event within milliseconds of each other; a few seconds cover a slow sideband and the
 * page's report racing the event, and still end a blind call well within 10 s of its report.
 */
export const IN_FLIGHT_GRACE_MS = 3_000;

export type UsageReport = Pick<UsageSeenMessage, 'responses' | 'inputTokens' | 'outputTokens'>;

/** What the page reported against what the sideband metered, when they disagree. */
export interface MeteringLoss {
  /** response.done events the page saw and the sideband never got. */
  missing: number;
  browser: UsageReport;
  sideband: UsageReport;
}

/**
 * The metering tripwire of one call. Spend safety rests on every `response.done` — including
 * those of responses the browser starts over its data channel — also reaching the server's
 * sideband. The page counts what its data channel saw (`usage.seen`); this compares it with what
 * the sideband delivered. A shortfall that lasts longer than IN_FLIGHT_GRACE_MS means usage is
 * not being metered: `onLost` is called once, and the call is ended (fail closed). The page's
 * numbers can only end its own call, never add spend to anyone.
 */
export class MeteringTripwire {
  private readonly seenIds = new Set<string>();
  private readonly sideband: UsageReport = { responses: 0, inputTokens: 0, outputTokens: 0 };
  private readonly browser: UsageReport = { responses: 0, inputTokens: 0, outputTokens: 0 };
  private timer?: NodeJS.Timeout;
  private tripped = false;
  private closed = false;

  constructor(
    private readonly onLost: (loss: MeteringLoss) => void,
    private readonly graceMs = IN_FLIGHT_GRACE_MS,
  ) {}

  /** A `response.done` arrived on the sideband (re-deliveries after a re-attach count once). */
  sidebandResponseDone(response: unknown): void {
    const { id, usage } = (response ?? {}) as { id?: unknown; usage?: { input_tokens?: unknown; output_tokens?: unknown } };
    if (typeof id === 'string') {
      if (this.seenIds.has(id)) return;
      this.seenIds.add(id);
    }
    this.sideband.responses++;
    this.sideband.inputTokens += tokens(usage?.input_tokens);
    this.sideband.outputTokens += tokens(usage?.output_tokens);
    if (this.timer && this.missing() <= 0) this.clearTimer();
  }

  /** The page's cumulative report. Counts only grow: an older, smaller report changes nothing. */
  browserReport(report: UsageReport): void {
    if (this.closed || this.tripped) return;
    this.browser.responses = Math.max(this.browser.responses, report.responses);
    this.browser.inputTokens = Math.max(this.browser.inputTokens, report.inputTokens);
    this.browser.outputTokens = Math.max(this.browser.outputTokens, report.outputTokens);
    if (this.missing() <= 0 || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.check();
    }, this.graceMs);
    this.timer.unref();
  }

  /** The call is over (its last sideband events read): a shortfall still open is reported now. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) {
      this.clearTimer();
      this.check();
    }
  }

  private check(): void {
    if (this.tripped || this.missing() <= 0) return;
    this.tripped = true;
    this.onLost({ missing: this.missing(), browser: { ...this.browser }, sideband: { ...this.sideband } });
  }

  private missing(): number {
    return this.browser.responses - this.sideband.responses;
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function tokens(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.ceil(value) : 0;
}

/** One line for the log: both counts and both token totals. */
export function describeLoss(loss: MeteringLoss): string {
  const { browser, sideband } = loss;
  return (
    `the page saw ${browser.responses} response(s) but the sideband metered ${sideband.responses} ` +
    `(page tokens in/out ${browser.inputTokens}/${browser.outputTokens}, metered ${sideband.inputTokens}/${sideband.outputTokens})`
  );
}
