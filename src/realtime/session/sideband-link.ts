import { Logger } from '@nestjs/common';
import type { RealtimeClientEvent, RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import { SidebandAttachError, SidebandClient, SidebandConnection } from '../openai/sideband.client';

export interface SidebandLinkHandlers {
  onEvent(event: RealtimeServerEvent): void;
  onMalformed(): void;
  /**
   * The sideband is gone for good. `callGone`: OpenAI no longer knows the call (it ended it);
   * otherwise re-attaching failed and the call must be hung up — a call nobody watches is a
   * call nobody meters (fail closed).
   */
  onLost(callGone: boolean): void;
}

export interface ReattachPolicy {
  /** Delays before each re-attach attempt, ms. */
  delaysMs: number[];
  /** Give up once this long has passed since the drop, ms. */
  windowMs: number;
}

/**
 * A drop is re-attached within ~4 s or not at all: the call keeps running at OpenAI meanwhile,
 * unwatched and unmetered, so a longer wait is worse than hanging up.
 */
export const DEFAULT_REATTACH: ReattachPolicy = { delaysMs: [0, 250, 500, 1_000, 2_000], windowMs: 4_000 };

const MAX_QUEUED_EVENTS = 100;

/**
 * The session's view of its sideband: one socket at a time, re-attached by call id when it
 * drops (a clean close can be a proxy restart, not the end of the call). Client events sent
 * during a re-attach are queued and flushed in order once the new socket is open.
 */
export class SidebandLink {
  private connection?: SidebandConnection;
  private readonly queue: RealtimeClientEvent[] = [];
  private reattaching = false;
  private closed = false;
  private generation = 0;

  constructor(
    readonly callId: string,
    private readonly client: SidebandClient,
    private readonly handlers: SidebandLinkHandlers,
    private readonly logger: Logger,
    private readonly policy: ReattachPolicy = DEFAULT_REATTACH,
  ) {}

  /** The first attach; rejects with SidebandAttachError. */
  async attach(): Promise<void> {
    this.connection = await this.connect();
  }

  /** Send a client event now, or after the re-attach in progress; false when it cannot be delivered. */
  send(event: RealtimeClientEvent): boolean {
    if (this.closed) return false;
    if (this.connection?.open) return this.connection.send(event);
    if (this.reattaching && this.queue.length < MAX_QUEUED_EVENTS) {
      this.queue.push(event);
      return true;
    }
    return false;
  }

  /** The call is ending: stop re-attaching, keep the current socket to read the last usage. */
  stopReattaching(): void {
    this.closed = true;
    this.queue.length = 0;
  }

  close(): void {
    this.stopReattaching();
    this.connection?.close();
  }

  private connect(): Promise<SidebandConnection> {
    const generation = ++this.generation;
    return this.client.attach(this.callId, {
      onEvent: (event) => this.handlers.onEvent(event),
      onMalformed: () => this.handlers.onMalformed(),
      onClose: (code) => {
        // Only the current socket's close matters; a stale one was already replaced.
        if (generation === this.generation && !this.closed) void this.reattach(code);
      },
    });
  }

  private async reattach(code: number): Promise<void> {
    this.reattaching = true;
    const deadline = Date.now() + this.policy.windowMs;
    this.logger.warn(`sideband of ${this.callId} closed (${code}); re-attaching`);
    for (const delay of this.policy.delaysMs) {
      if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.closed) return;
      if (Date.now() > deadline) break;
      try {
        const connection = await this.connect();
        if (this.closed) {
          connection.close();
          return;
        }
        this.connection = connection;
        this.reattaching = false;
        for (const event of this.queue.splice(0)) connection.send(event);
        this.logger.log(`sideband of ${this.callId} re-attached`);
        return;
      } catch (error) {
        if (error instanceof SidebandAttachError && error.callGone) {
          this.reattaching = false;
          if (!this.closed) this.handlers.onLost(true);
          return;
        }
        this.logger.warn(`re-attaching the sideband of ${this.callId} failed: ${(error as Error).message}`);
      }
    }
    this.reattaching = false;
    if (!this.closed) this.handlers.onLost(false);
  }
}
