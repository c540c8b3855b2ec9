import { Injectable, OnModuleInit } from '@nestjs/common';
import { collectDefaultMetrics, register } from 'prom-client';

/**
 * Node process defaults (CPU, memory, event-loop lag, GC, handles) in the global registry.
 * Registered once per process: prom-client throws when they are registered twice, which would
 * happen with PrometheusModule's own switch when a process builds more than one app.
 */
@Injectable()
export class DefaultMetrics implements OnModuleInit {
  onModuleInit(): void {
    if (!register.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics();
  }
}
