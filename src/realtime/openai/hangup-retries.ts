import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { RealtimeCallsClient } from './realtime-calls.client';

/** How often a call whose hang-up failed is tried again: soon at first, then calmly. */
const RETRY_EVERY_MS = 5_000;
const CALM_RETRY_EVERY_MS = 30_000;
const CALM_AFTER_MS = 60_000;
/** OpenAI ends a Realtime call by itself at its 60-minute limit; no use trying past that. */
const GIVE_UP_AFTER_MS = 60 * 60_000;

interface Pending {
  since: number;
  nextAt: number;
}

/**
 * Calls whose hang-up OpenAI did not take (it was down, hanging or answering 5xx through every
 * immediate retry). Such a call keeps running at OpenAI with nobody watching or metering it, so
 * the hang-up is tried again in the background until OpenAI confirms it (or no longer knows the
 * call), for at most the call's own lifetime. One timer serves them all, and only while any wait.
 */
@Injectable()
export class HangupRetries implements OnModuleDestroy {
  private readonly logger = new Logger(HangupRetries.name);
  private readonly pending = new Map<string, Pending>();
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(private readonly calls: RealtimeCallsClient) {}

  /** Calls still waiting for their hang-up. */
  get size(): number {
    return this.pending.size;
  }

  add(callId: string): void {
    if (this.pending.has(callId)) return;
    const now = Date.now();
    this.pending.set(callId, { since: now, nextAt: now + RETRY_EVERY_MS });
    this.logger.warn(`call ${callId} could not be hung up yet; trying again every few seconds`);
    this.timer ??= setInterval(() => void this.retryDue(), 1_000).unref();
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
      this.pending.delete(callId);
      this.logger.log(`call ${callId} ${result === 'hung_up' ? 'hung up' : 'had already ended'} on a later try`);
    } catch (error) {
      const now = Date.now();
      if (now - pending.since >= GIVE_UP_AFTER_MS) {
        this.pending.delete(callId);
        this.logger.error(`giving up hanging up call ${callId} after an hour (OpenAI ends it at its own limit): ${(error as Error).message}`);
        return;
      }
      pending.nextAt = now + (now - pending.since < CALM_AFTER_MS ? RETRY_EVERY_MS : CALM_RETRY_EVERY_MS);
    }
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
