/** Refill per second and the most a client may save up. */
export interface BucketRule {
  perSecond: number;
  burst: number;
}

/**
 * A token bucket in this process's memory: one per connection, so it needs no shared store —
 * a connection lives on one instance. Taking a token is a few arithmetic operations, cheap enough
 * to run before a frame is even parsed.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly rule: BucketRule,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = rule.burst;
    this.refilledAt = now();
  }

  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.rule.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.rule.perSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
