import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge } from 'prom-client';

// The /session sockets' metrics (names fixed by the contract). The refusal label is a refusal
// code, never an id or an address.

export const CONNECTION_METRIC_PROVIDERS = [
  makeGaugeProvider({ name: 'ducke_ws_connections_open', help: 'Open /session WebSocket connections' }),
  makeCounterProvider({ name: 'ducke_session_refusals_total', help: 'Connections or starts refused before a call ran, by reason', labelNames: ['reason'] }),
];

/** Sockets open now, and those turned away before a call ran: at the upgrade, on connect or at session.start. */
@Injectable()
export class ConnectionMetrics {
  constructor(
    @InjectMetric('ducke_ws_connections_open') private readonly connections: Gauge<string>,
    @InjectMetric('ducke_session_refusals_total') private readonly refusals: Counter<string>,
  ) {}

  connectionOpened(): void {
    this.connections.inc();
  }

  connectionClosed(): void {
    this.connections.dec();
  }

  refused(reason: string): void {
    this.refusals.inc({ reason });
  }
}
