import type { Logger } from '@nestjs/common';
import type { HangupOutcome } from '../openai/hangup-policy';
import type { SidebandLink } from './sideband-link';

/**
 * How a call whose hang-up failed was finally let go: `ended` — OpenAI confirmed the hang-up or
 * no longer knows the call; `abandoned` — the hang-up was given up and the sideband is gone, so
 * the call may still run unmetered until OpenAI's own limit: its worst case stays held.
 */
export type CallSettlement = 'ended' | 'abandoned';

export interface HangupWatchDeps {
  /** Retry the hang-up in the background; `onSettled` hears how that ended. */
  hangupLater(callId: string, onSettled: (outcome: HangupOutcome) => void): void;
  /** The call is known to be over: stop retrying its hang-up. */
  forgetHangup(callId: string): void;
  /** Neither hang-up nor sideband: count the call's worst case against the hourly cap. */
  unwatched(): Promise<void>;
}

/**
 * A session that has ended for its browser but whose call OpenAI did not confirm hung up. The
 * call may still be live and spending, so the sideband is kept (and re-attached) and every
 * usage event on it is still metered against the session, whose reservation stays held, until
 * the hang-up is confirmed or the call is known to have ended. If the sideband cannot be kept
 * while the hang-up is still unconfirmed, the worst case is held against the cap instead.
 */
export class HangupWatch {
  readonly settled: Promise<CallSettlement>;
  private resolve!: (settlement: CallSettlement) => void;
  private hangupPending = true;
  private sidebandKept: boolean;
  private done = false;

  constructor(
    private readonly callId: string,
    private readonly link: SidebandLink | undefined,
    private readonly deps: HangupWatchDeps,
    private readonly logger: Logger,
  ) {
    this.settled = new Promise((resolve) => (this.resolve = resolve));
    this.sidebandKept = link !== undefined;
  }

  /** Still waiting: the call may be live. */
  get watching(): boolean {
    return !this.done;
  }

  start(): void {
    this.deps.hangupLater(this.callId, (outcome) => this.onHangup(outcome));
    if (this.link) this.link.keepWatching((callGone) => void this.onLost(callGone));
    else void this.onLost(false);
  }

  private onHangup(outcome: HangupOutcome): void {
    this.hangupPending = false;
    if (outcome === 'hung_up' || outcome === 'already_ended') return this.finish('ended');
    // Given up (or refused): the call may run to OpenAI's limit; meter it while the sideband lasts.
    if (this.sidebandKept) this.logger.warn(`call ${this.callId}: hang-up ${outcome}; metering it over its sideband until it ends`);
    else this.finish('abandoned');
  }

  private async onLost(callGone: boolean): Promise<void> {
    this.sidebandKept = false;
    if (callGone) {
      this.deps.forgetHangup(this.callId);
      return this.finish('ended');
    }
    this.logger.error(`call ${this.callId} can be neither hung up nor metered now: holding its worst case against the hourly cap`);
    await this.deps.unwatched().catch((error: Error) => this.logger.error(`holding the worst case of call ${this.callId} failed: ${error.message}`));
    // A hang-up still being retried may yet confirm the end (and release the hold).
    if (!this.hangupPending) this.finish('abandoned');
  }

  private finish(settlement: CallSettlement): void {
    if (this.done) return;
    this.done = true;
    this.link?.close();
    this.resolve(settlement);
  }
}
