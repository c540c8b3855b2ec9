import { Injectable, Logger } from '@nestjs/common';
import type { EnforcementEvent } from '../common/session-ports';

/**
 * Where enforcement decided outside a usage event (duration timer, breaker opened here or on
 * another instance) reaches the realtime module. A failing listener is logged and never stops
 * the others or the timer that emitted.
 */
@Injectable()
export class EnforcementEvents {
  private readonly logger = new Logger(EnforcementEvents.name);
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
