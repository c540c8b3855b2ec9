import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { InjectStore } from '../storage/inject-store.decorator';
import { bucketSizeMs, type StateStore, type WindowRef } from '../storage/state-store';
import { HOLDS, HOUR, SLOT, sessionKey, slotRef, userRefs, type UserRefs, boundedKey } from './cost-ledger.keys';
import { COST_SETTINGS, type CostSettings } from './cost-settings';
import { placeHolds, ReservationWait, type ReservationResult } from './cost-reservations';

export type { ReservationResult, ReservationScope } from './cost-reservations';

/** The shared figures after a charge (undefined when the charge was queued: ledger unreachable). */
export interface ChargeResult {
  hourlyMicro?: number;
  sessionMicro?: number;
}

interface PendingCharge {
  /**
   * Names the charge in the store (a once-key): a charge sent without an answer may still be
   * applied later (a frozen Redis runs what it had buffered when it thaws), so it is re-sent
   * under the same id and counts once whatever happens.
   */
  id: string;
  sessionId: string;
  userKey?: string;
  micro: number;
  /** 'all': nothing was written yet; 'user': only the user's part is missing. */
  part: 'all' | 'user';
}

/** How long a charge's once-key is kept: a charge re-sent within it never counts twice. */
const CHARGE_ONCE_TTL_MS = 15 * 60_000;

/**
 * The shared money ledger in the StateStore, in integer micro-USD: committed spend over the
 * rolling window (all sessions, and per user with a user cap), per-session spend, and the
 * reservations running sessions hold against the hourly cap. Every change is one atomic store
 * operation, so all instances on one Redis see the same figures and never over-admit.
 *
 * A charge that cannot be written (Redis down) is queued and retried, never dropped: the spend
 * happened, so it must land in the window once the ledger is back — and only once: charges are
 * written with a once-key, and while any is queued new ones queue behind it (merged per
 * session) instead of timing out one by one. A reservation that cannot be released, or that a
 * refused admission may have left behind, is released on the same retry.
 */
@Injectable()
export class CostLedger {
  private readonly logger = new Logger(CostLedger.name);
  /** Charges sent without an answer (maybe applied), by id, oldest first. */
  private readonly pending = new Map<string, PendingCharge>();
  /** Charges never sent (the ledger was known to be out), merged per session and part. */
  private readonly unsent = new Map<string, PendingCharge>();
  /** Reservations to drop once the ledger answers: session id → user key. */
  private readonly releases = new Map<string, string | undefined>();
  private readonly hour: WindowRef;
  private readonly slotMs: number;
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
    private readonly clock: Clock,
  ) {
    this.hour = { key: HOUR, windowMs: settings.windowMs };
    this.slotMs = bucketSizeMs(settings.windowMs);
    this.shared = store.backend !== 'memory';
    this.wait = new ReservationWait(store, settings, clock);
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

  /** Drop the session's reservations (its spend stays committed); retried by flush() when the ledger is out. */
  async releaseReservation(sessionId: string, userKey?: string): Promise<void> {
    const user = this.userRefs(userKey);
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
    if (micro <= 0) return {};
    const charge: PendingCharge = { id: randomUUID(), sessionId, userKey, micro, part: 'all' };
    if (this.pending.size || this.unsent.size) {
      // The ledger is out: wait behind what is queued rather than time out once more.
      this.queueUnsent(charge);
      return {};
    }
    return this.write(charge);
  }

  /**
   * Retry queued charges, then queued releases (called every second). Returns the rolling-hour
   * spend after the last charge written, so the caller can check the breaker against spend that
   * arrived late.
   */
  async flush(): Promise<number | undefined> {
    if (this.flushing || (this.pending.size === 0 && this.unsent.size === 0 && this.releases.size === 0)) return undefined;
    this.flushing = true;
    let hourlyMicro: number | undefined;
    try {
      const charges = this.pending.size + this.unsent.size;
      for (const queue of [this.pending, this.unsent]) {
        for (const [key, charge] of [...queue]) {
          queue.delete(key);
          const result = await this.write(charge, true);
          if (this.pending.has(charge.id)) return hourlyMicro; // still unreachable: try again on the next tick
          hourlyMicro = result.hourlyMicro ?? hourlyMicro;
        }
      }
      if (charges) this.logger.log(`${charges} queued cost charge(s) written to the ledger`);
      for (const [sessionId, userKey] of [...this.releases]) await this.releaseReservation(sessionId, userKey);
      return hourlyMicro;
    } catch {
      return hourlyMicro; // a release failed: the ledger is still out
    } finally {
      this.flushing = false;
    }
  }

  /** Micro-USD waiting to be written (for status and tests). */
  pendingMicro(): number {
    let total = 0;
    for (const charge of [...this.pending.values(), ...this.unsent.values()]) total += charge.micro;
    return total;
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
    return this.store.sumWindow(this.sessionKey(sessionId), this.settings.sessionRecordTtlMs);
  }

  /** How long until a refused reservation like this one can be granted (ReservationWait). */
  retryAfterMs(refusal: Extract<ReservationResult, { granted: false }>): Promise<number> {
    return this.wait.retryAfterMs(refusal);
  }

  /**
   * Write one charge: the shared window, the session and the hourly reservation in one atomic
   * commit, then the user's window and reservation in another. A part that fails is queued.
   */
  private async write(charge: PendingCharge, retry = false): Promise<ChargeResult> {
    const { sessionId, micro } = charge;
    const slot = Math.floor(this.clock.now() / this.slotMs);
    const result: ChargeResult = {};
    if (charge.part === 'all') {
      try {
        const sums = await this.store.commit({
          amount: micro,
          windows: [this.hour, { key: this.sessionKey(sessionId), windowMs: this.settings.sessionRecordTtlMs }, this.slotRef(SLOT, slot)],
          hold: { poolKey: HOLDS, holdId: sessionId },
          once: this.once(charge.id),
        });
        result.hourlyMicro = sums[0];
        result.sessionMicro = sums[1];
      } catch (error) {
        this.queue(charge, retry, error as Error);
        return result;
      }
    }
    const user = this.userRefs(charge.userKey);
    if (user) {
      try {
        const part = charge.part === 'user' ? charge : { ...charge, id: `${charge.id}:user`, part: 'user' as const };
        await this.store.commit({
          amount: micro,
          windows: [user.window, this.slotRef(user.slot, slot)],
          hold: { poolKey: user.pool, holdId: sessionId },
          once: this.once(part.id),
        });
      } catch (error) {
        this.queue(charge.part === 'user' ? charge : { ...charge, id: `${charge.id}:user`, part: 'user' }, retry, error as Error);
      }
    }
    return result;
  }

  private once(chargeId: string): { key: string; ttlMs: number } | undefined {
    return this.shared ? { key: `cost:charge:${chargeId}`, ttlMs: CHARGE_ONCE_TTL_MS } : undefined;
  }

  /** A charge that was sent without an answer: kept under its id, re-sent as it is. */
  private queue(charge: PendingCharge, retry: boolean, error: Error): void {
    if (!retry) this.logger.warn(`cost ledger unreachable, ${charge.micro} µUSD queued for retry: ${error.message}`);
    this.pending.set(charge.id, charge);
  }

  /** A charge never sent: merged with the session's other unsent spend (one write when the ledger is back). */
  private queueUnsent(charge: PendingCharge): void {
    const key = `${charge.sessionId}\u0000${charge.userKey ?? ''}\u0000${charge.part}`;
    const queued = this.unsent.get(key);
    if (queued) queued.micro += charge.micro;
    else this.unsent.set(key, charge);
  }

  private slotRef(prefix: string, slot: number): WindowRef {
    return slotRef(this.settings, prefix, slot);
  }

  private sessionKey(sessionId: string): string {
    return sessionKey(sessionId);
  }

  private userRefs(userKey: string | undefined): UserRefs | undefined {
    return userRefs(this.settings, userKey);
  }
}
