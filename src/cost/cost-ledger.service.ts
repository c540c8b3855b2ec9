import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { InjectStore } from '../storage/inject-store.decorator';
import type { StateStore, WindowRef } from '../storage/state-store';
import { HOLDS, HOUR, sessionKey, userRefs, boundedKey } from './cost-ledger.keys';
import { COST_SETTINGS, type CostSettings } from './cost-settings';
import { LedgerCharges, type ChargeResult, type LedgerBacklog, type RejectedCharge } from './ledger-charges';
import { STALLED_AFTER_MS } from './ledger-commit-policy';
import { placeHolds, ReservationWait, type ReservationResult } from './cost-reservations';

export type { ReservationResult, ReservationScope } from './cost-reservations';
export type { ChargeResult, LedgerBacklog, RejectedCharge } from './ledger-charges';

/**
 * The shared money ledger in the StateStore, in integer micro-USD: committed spend over the
 * rolling window (all sessions, and per user with a user cap), per-session spend, and the
 * reservations running sessions hold against the hourly cap. Every change is one atomic store
 * operation, so all instances on one Redis see the same figures and never over-admit.
 *
 * Charges are written, queued while the ledger is out and retried by LedgerCharges (never
 * dropped, never counted twice). A reservation that cannot be released, or that a refused
 * admission may have left behind, is released on the same retry.
 */
@Injectable()
export class CostLedger {
  private readonly charges: LedgerCharges;
  /** Reservations to drop once the ledger answers: session id → user key. */
  private readonly releases = new Map<string, string | undefined>();
  private readonly hour: WindowRef;
  private readonly wait: ReservationWait;
  private flushing = false;
  /**
   * Whether the store is shared with other processes and can fail (Redis). The memory store is
   * this process alone and never times out: usage is de-duplicated by the session's own memory
   * (CostService) and a commit needs no once-key, so neither is kept there — two records per
   * usage event, held for an hour, were most of what a busy instance's memory grew by.
   */
  private readonly shared: boolean;

  constructor(
    @InjectStore() private readonly store: StateStore,
    @Inject(COST_SETTINGS) private readonly settings: CostSettings,
    clock: Clock,
  ) {
    this.hour = { key: HOUR, windowMs: settings.windowMs };
    this.shared = store.backend !== 'memory';
    this.wait = new ReservationWait(store, settings, clock);
    this.charges = new LedgerCharges(store, settings, clock, this.shared);
  }

  /** Who is told about a rejected charge (the cost service: log, count, open the breaker). */
  onRejected(listener: (rejected: RejectedCharge) => void): void {
    this.charges.onRejected(listener);
  }

  /**
   * Hold the session's reservation against the hourly cap (and the user's cap), atomically with
   * the check: committed + held + reservation ≤ cap. Throws when the ledger is unreachable.
   */
  async reserve(sessionId: string, userKey?: string): Promise<ReservationResult> {
    try {
      return await placeHolds(this.store, this.settings, sessionId, userKey);
    } catch (error) {
      // The hold may still be placed (a frozen Redis runs it when it thaws) for a session that
      // is refused now: make sure it is dropped once the ledger answers.
      this.releases.set(sessionId, userKey);
      throw error;
    }
  }

  /**
   * Raise the session's reservations to `micro` for `ttlMs`, whatever the caps: the call may spend
   * that without being metered (its hang-up and its sideband both failed), so it must count.
   * Throws when the ledger is unreachable.
   */
  async holdRegardless(sessionId: string, micro: number, ttlMs: number, userKey?: string): Promise<void> {
    const user = userRefs(this.settings, userKey);
    const hold = { holdId: sessionId, amount: micro, ttlMs, cap: Number.MAX_SAFE_INTEGER };
    await Promise.all([
      this.store.placeHold({ window: this.hour, poolKey: HOLDS, ...hold }),
      user ? this.store.placeHold({ window: user.window, poolKey: user.pool, ...hold }) : undefined,
    ]);
  }

  /** Drop the session's reservations (its spend stays committed); retried by flush() when the ledger is out. */
  async releaseReservation(sessionId: string, userKey?: string): Promise<void> {
    const user = userRefs(this.settings, userKey);
    try {
      await Promise.all([this.store.releaseHold(HOLDS, sessionId), user ? this.store.releaseHold(user.pool, sessionId) : undefined]);
      this.releases.delete(sessionId);
    } catch (error) {
      this.releases.set(sessionId, userKey);
      throw error;
    }
  }

  /**
   * True the first time a usage id is seen for a session in the shared ledger (another process
   * may have counted it). Always true in memory: this process's own tally is the only one.
   */
  async claim(sessionId: string, usageKey: string): Promise<boolean> {
    if (!this.shared) return true;
    return this.store.setIfAbsent(`cost:seen:${sessionId}:${boundedKey(usageKey)}`, 1, this.settings.sessionRecordTtlMs);
  }

  /**
   * Add spend to the window, the session and its user, settling it against their reservations.
   * If the ledger is unreachable the charge is queued for `flush()` and the result is empty.
   */
  async charge(sessionId: string, micro: number, userKey?: string): Promise<ChargeResult> {
    if (!(micro > 0)) return {};
    return this.charges.charge(sessionId, micro, userKey);
  }

  /**
   * Retry queued charges, then queued releases (called every second). Returns the rolling-hour
   * spend after the last charge written, so the caller can check the breaker against spend that
   * arrived late.
   */
  async flush(): Promise<number | undefined> {
    if (this.flushing || (this.charges.isEmpty() && this.releases.size === 0)) return undefined;
    this.flushing = true;
    let hourlyMicro: number | undefined;
    try {
      const flushed = await this.charges.flush();
      hourlyMicro = flushed.hourlyMicro;
      // Nothing went through: the ledger is still out, and so are the releases.
      if (flushed.stillOut) return hourlyMicro;
      for (const [sessionId, userKey] of [...this.releases]) await this.releaseReservation(sessionId, userKey);
      return hourlyMicro;
    } catch {
      return hourlyMicro; // a release failed: the ledger is still out
    } finally {
      this.flushing = false;
    }
  }

  /** What waits to be written, and for how long (for /status and the metrics). */
  backlog(): LedgerBacklog {
    return this.charges.backlog();
  }

  /** The queue has not drained for STALLED_AFTER_MS: new sessions must not start. */
  stalled(): boolean {
    return this.backlog().oldestMs >= STALLED_AFTER_MS;
  }

  /** Micro-USD waiting to be written (for status and tests). */
  pendingMicro(): number {
    return this.backlog().micro;
  }

  /** Reservations waiting to be released once the ledger answers (for tests). */
  pendingReleases(): number {
    return this.releases.size;
  }

  async hourlySpend(): Promise<number> {
    return this.store.sumWindow(HOUR, this.settings.windowMs);
  }

  async reserved(): Promise<number> {
    return this.store.heldTotal(HOLDS);
  }

  async sessionSpend(sessionId: string): Promise<number> {
    return this.store.sumWindow(sessionKey(sessionId), this.settings.sessionRecordTtlMs);
  }

  /** How long until a refused reservation like this one can be granted (ReservationWait). */
  retryAfterMs(refusal: Extract<ReservationResult, { granted: false }>): Promise<number> {
    return this.wait.retryAfterMs(refusal);
  }
}
