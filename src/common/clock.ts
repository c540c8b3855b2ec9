import { Global, Injectable, Module } from '@nestjs/common';

/**
 * Wall-clock time in ms. Injected everywhere time decides something (windows, budgets,
 * breaker resets), so unit tests move time by hand instead of sleeping.
 */
export abstract class Clock {
  abstract now(): number;
}

@Injectable()
export class SystemClock extends Clock {
  now(): number {
    return Date.now();
  }
}

/** A clock tests can move. */
export class ManualClock extends Clock {
  constructor(private current = 1_700_000_000_000) {
    super();
  }
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

@Global()
@Module({
  providers: [{ provide: Clock, useClass: SystemClock }],
  exports: [Clock],
})
export class ClockModule {}
