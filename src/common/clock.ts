import { Injectable } from '@nestjs/common';

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
