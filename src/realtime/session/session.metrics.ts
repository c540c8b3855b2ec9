import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';

// The conversations' metrics (names fixed by the contract). The end label is an end reason,
// never an id.

export const SESSION_METRIC_PROVIDERS = [
  makeGaugeProvider({ name: 'ducke_sessions_active', help: 'Conversations running on this instance' }),
  makeHistogramProvider({
    name: 'ducke_session_duration_seconds',
    help: 'Length of ended conversations, from session.started to the end',
    buckets: [10, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600],
  }),
  makeCounterProvider({ name: 'ducke_session_starts_total', help: 'Conversations that went live (session.started sent)' }),
  makeCounterProvider({ name: 'ducke_sessions_ended_total', help: 'Conversations ended, by reason', labelNames: ['reason'] }),
  makeCounterProvider({
    name: 'ducke_metering_lost_total',
    help: 'Conversations in which the page saw response.done events the sideband never metered (ended with metering_lost)',
  }),
];

/** Conversations that went live, are live, ended (by reason, with their length) or lost their metering. */
@Injectable()
export class SessionMetrics {
  constructor(
    @InjectMetric('ducke_sessions_active') private readonly active: Gauge<string>,
    @InjectMetric('ducke_session_duration_seconds') private readonly duration: Histogram<string>,
    @InjectMetric('ducke_session_starts_total') private readonly starts: Counter<string>,
    @InjectMetric('ducke_sessions_ended_total') private readonly ended: Counter<string>,
    @InjectMetric('ducke_metering_lost_total') private readonly meteringLosses: Counter<string>,
  ) {}

  sessionStarted(): void {
    this.starts.inc();
    this.active.inc();
  }

  sessionEnded(reason: string, durationSec: number): void {
    this.active.dec();
    this.ended.inc({ reason });
    this.duration.observe(durationSec);
  }

  meteringLost(): void {
    this.meteringLosses.inc();
  }
}
