import { Clock } from '../../src/common/clock';

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
