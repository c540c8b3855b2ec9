import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import { InjectStore } from '../storage/inject-store.decorator';
import type { StateStore } from '../storage/state-store';
import { STORAGE_UP } from './metric-names';

/**
 * Sets `ducke_storage_up` from this app's store right before each scrape. Not a prom-client
 * `collect` callback: the registry is process-global and keeps the first callback it was given,
 * which would read a closed app's store when a process (a test) builds several apps.
 */
@Injectable()
export class StorageHealthGauge {
  constructor(
    @InjectStore() private readonly store: StateStore,
    @InjectMetric(STORAGE_UP) private readonly up: Gauge,
  ) {}

  refresh(): void {
    this.up.set(this.store.health().ok ? 1 : 0);
  }
}
