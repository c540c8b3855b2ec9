import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider } from '@willsoto/nestjs-prometheus';
import { Counter, type Registry } from 'prom-client';
import { AUTH_REFUSAL_REASONS, type AuthRefusalReason } from './auth-refusal';

// Names owned by this module (team brief). The only label is the refusal reason, a fixed set.
const REFUSED = 'ducke_auth_refused_total';
const REVOKED = 'ducke_tokens_revoked_total';

export const AUTH_METRIC_PROVIDERS = [
  makeCounterProvider({ name: REFUSED, help: '/session connections refused for their token, by reason', labelNames: ['reason'] }),
  makeCounterProvider({ name: REVOKED, help: 'Tokens revoked through POST /admin/tokens/revoke on this instance' }),
];

/** AuthMetrics on a registry of its own (unit tests, which must not touch the global one). */
export function createAuthMetrics(registry: Registry): AuthMetrics {
  return new AuthMetrics(
    new Counter({ name: REFUSED, help: 'see AuthMetrics', labelNames: ['reason'], registers: [registry] }),
    new Counter({ name: REVOKED, help: 'see AuthMetrics', registers: [registry] }),
  );
}

@Injectable()
export class AuthMetrics {
  constructor(
    @InjectMetric(REFUSED) private readonly refusals: Counter<string>,
    @InjectMetric(REVOKED) private readonly revocations: Counter<string>,
  ) {
    // Every reason is exported from the start (at 0), so dashboards and alerts see the series.
    for (const reason of AUTH_REFUSAL_REASONS) refusals.inc({ reason }, 0);
  }

  refused(reason: AuthRefusalReason): void {
    this.refusals.inc({ reason });
  }

  tokenRevoked(): void {
    this.revocations.inc();
  }
}
