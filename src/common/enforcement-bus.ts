import { Injectable, Logger } from '@nestjs/common';
import type { EnforcementEvent } from './session-ports';

/**
 * The one place where a decision taken outside a usage event reaches the sessions: a duration
 * timer, the breaker opened here or on another instance, a revoked or expired token. Every
 * module that decides emits here; the realtime module alone listens and acts. A failing listener
 * is logged and never stops the others or the timer that emitted.
 */
@Injectable()
export class EnforcementBus {
  private readonly logger = new Logger(EnforcementBus.name);
  private readonly listeners = new Set<(event: EnforcementEvent) => void>();

  subscribe(listener: (event: EnforcementEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: EnforcementEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        const result = listener(event) as unknown;
        if (result instanceof Promise) result.catch((error: Error) => this.logger.error(`enforcement listener failed: ${error.message}`));
      } catch (error) {
        this.logger.error(`enforcement listener failed: ${(error as Error).message}`);
      }
    }
  }
}
