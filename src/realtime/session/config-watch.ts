import type { SessionCreatedEvent, SessionUpdateEvent } from 'openai/resources/realtime/realtime';
import type { SessionEndReason } from '../../common/session-ports';
import type { SessionConfigGuard } from '../session-config/session-config.factory';

/** Someone else rewrote the pinned session config this many times: the call is ended. */
export const MAX_CONFIG_RESTORES = 5;

export interface ConfigWatchPort {
  send(event: SessionUpdateEvent): void;
  end(reason: SessionEndReason): void;
  warn(message: string): void;
}

/**
 * Keeps the pinned part of a call's config (instructions, output cap, tools, truncation) as we
 * set it: the browser holds the call's data channel and can send session.update itself, so any
 * change seen on the sideband is put back, and a call tampered with again and again is ended.
 */
export class ConfigWatch {
  private restores = 0;
  private baselineTaken = false;

  constructor(
    private readonly guard: SessionConfigGuard,
    private readonly port: ConfigWatchPort,
  ) {}

  /** session.created / session.updated while the call runs. */
  onConfig(session: SessionCreatedEvent['session'] | undefined, created: boolean): void {
    const drift = this.guard.drift(session);
    if (created && !this.baselineTaken) {
      // The first session.created shows OpenAI's form of our own config: no browser has the
      // answer SDP yet, so nobody else can have changed it. Accept any normalisation once.
      this.baselineTaken = true;
      if (drift.length) this.guard.acceptEcho(session, drift);
      return;
    }
    if (!drift.length) return;
    this.restores++;
    this.port.warn(`session config changed by someone else (${drift.join(', ')}); restoring (${this.restores})`);
    if (this.restores > MAX_CONFIG_RESTORES) {
      this.port.end('client');
      return;
    }
    this.port.send(this.guard.restoreEvent(`ducke_restore_${this.restores}`));
  }
}
