import { makeCounterProvider, makeGaugeProvider } from '@willsoto/nestjs-prometheus';

// The metric names this module owns (docs/monitoring.md). Labels carry route names only, never IPs.
export const RATE_LIMIT_EXCEEDED = 'rate_limit_exceeded_total';
export const FALLBACK_ACTIVE = 'ducke_rate_limit_fallback_active';
export const STORE_ERRORS = 'ducke_rate_limit_store_errors_total';

export const exceededCounterProvider = makeCounterProvider({
  name: RATE_LIMIT_EXCEEDED,
  help: 'Requests, connections and tool calls refused by a rate limit, by route',
  labelNames: ['route'],
});

export const fallbackGaugeProvider = makeGaugeProvider({
  name: FALLBACK_ACTIVE,
  help: '1 while rate limits are counted in this instance’s memory because the shared store (Redis) is unreachable',
});

export const storeErrorsCounterProvider = makeCounterProvider({
  name: STORE_ERRORS,
  help: 'Rate-limit decisions the shared store (Redis) failed or was too slow to answer',
});
