import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import type { HangupOutcome } from './hangup-policy';

const HANGUPS_FAILED = 'ducke_hangups_failed_total';
const CALLS_UNWATCHED = 'ducke_calls_unwatched_total';

export const HANGUP_METRIC_PROVIDERS = [
  makeCounterProvider({
    name: HANGUPS_FAILED,
    help: 'Calls whose hang-up did not go through at first, by how it ended: hung_up (a later retry), already_ended (OpenAI no longer knows the call), given_up (5 minutes of retries), refused (401/403)',
    labelNames: ['outcome'],
  }),
  makeCounterProvider({
    name: CALLS_UNWATCHED,
    help: 'Calls that could be neither hung up nor metered (sideband lost too): their worst case was held against the hourly cap',
  }),
];

/** What became of calls we could not hang up at once. */
@Injectable()
export class HangupMetrics {
  constructor(
    @InjectMetric(HANGUPS_FAILED) private readonly failed: Counter<string>,
    @InjectMetric(CALLS_UNWATCHED) private readonly unwatchedCalls: Counter<string>,
  ) {}

  settled(outcome: HangupOutcome): void {
    this.failed.inc({ outcome });
  }

  unwatched(): void {
    this.unwatchedCalls.inc();
  }
}
