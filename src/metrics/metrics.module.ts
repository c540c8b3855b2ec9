import { Global, Module } from '@nestjs/common';
import { makeGaugeProvider, makeHistogramProvider, PrometheusModule } from '@willsoto/nestjs-prometheus';
import { DefaultMetrics } from './default-metrics';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { HTTP_DURATION_BUCKETS, HTTP_REQUEST_DURATION, STORAGE_UP } from './metric-names';
import { MetricsAccessGuard } from './metrics-access.guard';
import { MetricsController } from './metrics.controller';
import { StorageHealthGauge } from './storage-health.gauge';

/**
 * Serves /metrics from prom-client's global registry: the Node process defaults, HTTP request
 * durations, storage health, and every metric other modules register with makeXProvider in
 * their own modules (they need not import this one).
 *
 * Global because PrometheusModule declares MetricsController inside its own module scope: the
 * controller's StorageHealthGauge must be visible there.
 */
@Global()
@Module({
  imports: [
    PrometheusModule.register({
      controller: MetricsController,
      // Registered by DefaultMetrics instead, once per process (see there).
      defaultMetrics: { enabled: false },
    }),
  ],
  providers: [
    makeHistogramProvider({
      name: HTTP_REQUEST_DURATION,
      help: 'HTTP request duration in seconds, by route pattern (or "static"/"unmatched"), method and status.',
      labelNames: ['route', 'method', 'status'],
      buckets: HTTP_DURATION_BUCKETS,
    }),
    makeGaugeProvider({
      name: STORAGE_UP,
      help: '1 while the state store (memory or Redis) answers, 0 while it does not.',
    }),
    DefaultMetrics,
    HttpMetricsMiddleware,
    MetricsAccessGuard,
    StorageHealthGauge,
  ],
  exports: [HttpMetricsMiddleware, StorageHealthGauge],
})
export class MetricsModule {}
