import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { HANGUP_RETRY, type HangupOutcome } from './hangup-policy';
import { HangupMetrics } from './hangup.metrics';
import { RealtimeCallsClient } from './realtime-calls.client';
import { RealtimeUpstreamError } from './realtime-upstream.error';

interface Pending {
  since: number;
  nextAt: number;
  onSettled?: (outcome: HangupOutcome) => void;
}

/**
 * Calls whose hang-up OpenAI did not take (it was down, hanging or answering 5xx/429 through
 * every immediate retry). Such a call may keep running at OpenAI, so the hang-up is tried again
 * in the background until OpenAI confirms it or no longer knows the call, and given up after
 * HANGUP_RETRY.giveUpAfterMs (counted; the session keeps metering the call meanwhile and holds
 * its worst case once it cannot). One timer serves them all, and only while any wait.
 */
@Injectable()
export class HangupRetries implements OnModuleDestroy {
  private readonly logger = new Logger(HangupRetries.name);
  private readonly pending = new Map<string, Pending>();
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly calls: RealtimeCallsClient,
    private readonly metrics: HangupMetrics,
  ) {}

  /** Calls still waiting for their hang-up. */
  get size(): number {
    return this.pending.size;
  }

  /** Keep trying; `onSettled` hears how it ended (once). */
  add(callId: string, onSettled?: (outcome: HangupOutcome) => void): void {
    if (this.pending.has(callId)) return;
    const now = Date.now();
    this.pending.set(callId, { since: now, nextAt: now + HANGUP_RETRY.everyMs, onSettled });
    this.logger.warn(`call ${callId} could not be hung up yet; trying again every few seconds`);
    this.timer ??= setInterval(() => void this.retryDue(), 1_000).unref();
  }

  /** The call is known to be over some other way (its sideband says OpenAI ended it): stop trying. */
  forget(callId: string): void {
    if (this.pending.delete(callId)) this.metrics.settled('already_ended');
    if (!this.pending.size) this.stop();
  }

  /** A call waiting for its hang-up that can no longer be metered either (its worst case is held): counted. */
  unwatched(callId: string): void {
    if (this.pending.has(callId)) this.metrics.unwatched();
  }

  onModuleDestroy(): void {
    if (this.pending.size) this.logger.error(`${this.pending.size} call(s) still not hung up at shutdown: ${[...this.pending.keys()].join(', ')}`);
    this.stop();
  }

  /** One pass over the calls that are due (the timer's tick). */
  async retryDue(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const now = Date.now();
      const due = [...this.pending].filter(([, pending]) => pending.nextAt <= now);
      await Promise.all(due.map(([callId, pending]) => this.retry(callId, pending)));
    } finally {
      this.running = false;
      if (!this.pending.size) this.stop();
    }
  }

  private async retry(callId: string, pending: Pending): Promise<void> {
    try {
      const result = await this.calls.hangup(callId);
      this.logger.log(`call ${callId} ${result === 'hung_up' ? 'hung up' : 'had already ended'} on a later try`);
      this.settle(callId, pending, result);
    } catch (error) {
      const now = Date.now();
      if (error instanceof RealtimeUpstreamError && !error.retryable) {
        this.logger.error(`hanging up call ${callId} is refused (${error.message}); not trying again`);
        return this.settle(callId, pending, 'refused');
      }
      if (now - pending.since >= HANGUP_RETRY.giveUpAfterMs) {
        this.logger.error(
          `giving up hanging up call ${callId} after ${Math.round((now - pending.since) / 60_000)} min: ${(error as Error).message}; ` +
            'it is metered while its sideband lasts, and OpenAI ends it at its own 60-minute limit',
        );
        return this.settle(callId, pending, 'given_up');
      }
      pending.nextAt = now + (now - pending.since < HANGUP_RETRY.calmAfterMs ? HANGUP_RETRY.everyMs : HANGUP_RETRY.calmEveryMs);
    }
  }

  private settle(callId: string, pending: Pending, outcome: HangupOutcome): void {
    if (this.pending.get(callId) !== pending) return; // forgotten meanwhile
    this.pending.delete(callId);
    this.metrics.settled(outcome);
    pending.onSettled?.(outcome);
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
