import { Injectable, OnModuleInit } from '@nestjs/common';
import { StatusRegistry } from './status-registry';

/** Why this instance should get no new visitors now, or undefined while it should. Synchronous: a probe costs nothing. */
export type ReadinessCheck = () => string | undefined;

export interface Readiness {
  ready: boolean;
  /** Why not (only when not ready). */
  reasons?: string[];
}

/**
 * Readiness for a load balancer or an orchestrator (GET /readyz, and /status's `readiness`):
 * should new visitors be sent to this instance? Feature modules register the conditions local to
 * this instance (draining on SIGTERM). Refusals every instance shares — the hourly cap, the breaker, Redis unreachable, no
 * OpenAI key — do not make it unready: moving visitors would not help, and with every instance
 * out the balancer would answer its own bare 503 instead of the page's explanation.
 */
@Injectable()
export class ReadinessRegistry implements OnModuleInit {
  private readonly checks = new Map<string, ReadinessCheck>();

  constructor(private readonly status: StatusRegistry) {}

  onModuleInit(): void {
    this.status.register('readiness', () => ({ ...this.readiness() }));
  }

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  readiness(): Readiness {
    const reasons: string[] = [];
    for (const check of this.checks.values()) {
      const reason = check();
      if (reason) reasons.push(reason);
    }
    return reasons.length ? { ready: false, reasons } : { ready: true };
  }
}
