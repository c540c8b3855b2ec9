import type { Logger } from '@nestjs/common';
import { HangupWatch } from './hangup-watch';
import type { SidebandLink } from './sideband-link';
import type { VoiceSessionDeps } from './voice-session.ports';

export type CallHangupDeps = Pick<VoiceSessionDeps, 'calls' | 'cost' | 'hangupLater' | 'forgetHangup' | 'callUnwatched'>;

/**
 * Hanging up a session's call at OpenAI. A hang-up that fails is handed over to be retried in
 * the background, and the call stays watched and metered over its sideband (HangupWatch) until
 * OpenAI confirms its end: a call nobody hung up may still be spending.
 */
export class CallHangup {
  /** Set when a hang-up failed. */
  private watch?: HangupWatch;

  constructor(
    private readonly sessionId: string,
    private readonly deps: CallHangupDeps,
    private readonly logger: Logger,
  ) {}

  /** The hang-up failed and OpenAI has not confirmed the call's end yet: it is still metered. */
  get unconfirmed(): boolean {
    return this.watch?.watching ?? false;
  }

  /**
   * Never rejects. True when the call is over; false when the hang-up keeps failing: the call is
   * then watched over `link` (when there is one) while the hang-up is retried.
   */
  async hangup(callId: string, link: SidebandLink | undefined): Promise<boolean> {
    try {
      await this.deps.calls.hangup(callId);
      return true;
    } catch (error) {
      this.logger.error(`session ${this.sessionId}: hanging up call ${callId} failed: ${(error as Error).message}`);
      this.watchCall(callId, link);
      return false;
    }
  }

  /** For the outcome: when the call itself is over, if that is later than the session's end. */
  callOver(): Promise<{ abandoned: boolean }> | undefined {
    return this.watch?.settled.then((settlement) => ({ abandoned: settlement === 'abandoned' }));
  }

  private watchCall(callId: string, link: SidebandLink | undefined): void {
    this.watch = new HangupWatch(
      callId,
      link,
      {
        hangupLater: (id, onSettled) => (this.deps.hangupLater ? this.deps.hangupLater(id, onSettled) : onSettled('given_up')),
        forgetHangup: (id) => this.deps.forgetHangup?.(id),
        unwatched: () => {
          this.deps.callUnwatched?.(callId);
          return this.deps.cost.unwatched(this.sessionId);
        },
      },
      this.logger,
    );
    this.watch.start();
  }
}
