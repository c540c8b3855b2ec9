import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Clock } from '../common/clock';
import { bucketSizeMs, type StateStore, type WindowRef } from '../storage/state-store';
import { HOLDS, HOUR, SLOT, sessionKey, slotRef, userRefs } from './cost-ledger.keys';
import type { CostSettings } from './cost-settings';
import { classifyCommitError, STUCK_AFTER_STRIKES, type RejectionReason } from './ledger-commit-policy';

/** The shared figures after a charge (undefined when the charge was queued: ledger unreachable). */
export interface ChargeResult {
  hourlyMicro?: number;
  sessionMicro?: number;
}

/** A charge taken out of the queue unwritten: the caller opens the breaker. */
export interface RejectedCharge {
  sessionId: string;
  micro: number;
  reason: RejectionReason;
  error: string;
}

/** What waits to be written: visible in /status and a metric. */
export interface LedgerBacklog {
  charges: number;
  micro: number;
  /** Age of the oldest queued charge (0 when empty). */
  oldestMs: number;
}

/** `hourlyMicro`: the spend after the last charge written; `stillOut`: nothing went through. */
export type ChargesFlush = { hourlyMicro?: number; stillOut: boolean };

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
  /** When it was first queued (how long the queue has not drained). */
  queuedAt?: number;
  /** Failed writes, and those of them while the ledger answered other requests. */
  failures?: number;
  strikes?: number;
}

type WriteOutcome = 'written' | 'queued' | 'rejected';

const NO_BACKLOG: LedgerBacklog = Object.freeze({ charges: 0, micro: 0, oldestMs: 0 });

/** How long a charge's once-key is kept: a charge re-sent within it never counts twice. */
const CHARGE_ONCE_TTL_MS = 15 * 60_000;

/**
 * The charge half of the cost ledger: writing spend to the window, the session and its user, and
 * the queue of charges that could not be written yet.
 *
 * A charge that cannot be written (Redis down) is queued and retried, never dropped: the spend
 * happened, so it must land in the window once the ledger is back — and only once: charges are
 * written with a once-key, and while any is queued new ones queue behind it (merged per
 * session) instead of timing out one by one.
 *
 * A charge the store refuses (a validation or range error) is never queued as if the ledger were
 * out: it is rejected at once (see ledger-commit-policy.ts), and so is one that keeps failing
 * while the ledger answers. Either way it leaves the queue, so no single charge holds up the
 * ones behind it; the rejection listener opens the breaker. The flush tries the charges that
 * failed least first.
 */
export class LedgerCharges {
  private readonly logger = new Logger('CostLedger');
  /** Charges sent without an answer (maybe applied), by id, oldest first. */
  private readonly pending = new Map<string, PendingCharge>();
  /** Charges never sent (the ledger was known to be out), merged per session and part. */
  private readonly unsent = new Map<string, PendingCharge>();
  private readonly hour: WindowRef;
  private readonly slotMs: number;
  private onReject: (rejected: RejectedCharge) => void = () => undefined;

  /** `shared`: the store is shared and can fail (Redis), so writes carry once-keys. */
  constructor(
    private readonly store: StateStore,
    private readonly settings: CostSettings,
    private readonly clock: Clock,
    private readonly shared: boolean,
  ) {
    this.hour = { key: HOUR, windowMs: settings.windowMs };
    this.slotMs = bucketSizeMs(settings.windowMs);
  }

  onRejected(listener: (rejected: RejectedCharge) => void): void {
    this.onReject = listener;
  }

  /** Write one charge now, or queue it behind the ones already waiting. */
  async charge(sessionId: string, micro: number, userKey?: string): Promise<ChargeResult> {
    const charge: PendingCharge = { id: randomUUID(), sessionId, userKey, micro, part: 'all' };
    if (this.pending.size || this.unsent.size) {
      // The ledger is out: wait behind what is queued rather than time out once more.
      this.queueUnsent(charge);
      return {};
    }
    return (await this.write(charge)).result;
  }

  /** Retry the queued charges, those that failed least first. */
  async flush(): Promise<ChargesFlush> {
    let hourlyMicro: number | undefined;
    const queued = [...this.pending.entries()].map(([key, charge]) => ({ key, charge, queue: this.pending }));
    queued.push(...[...this.unsent.entries()].map(([key, charge]) => ({ key, charge, queue: this.unsent })));
    // Charges that failed least go first: one that keeps failing never holds up the rest.
    queued.sort((a, b) => (a.charge.failures ?? 0) - (b.charge.failures ?? 0));
    let written = 0;
    let failedInRow = 0;
    const failed: PendingCharge[] = [];
    for (const { key, charge, queue } of queued) {
      // Two failures in a row with nothing written: the ledger is out; try again next tick.
      if (failedInRow >= 2 && written === 0) break;
      queue.delete(key);
      const { outcome, result } = await this.write(charge, true);
      if (outcome === 'queued') {
        failed.push(charge);
        failedInRow++;
        continue;
      }
      failedInRow = 0;
      if (outcome === 'written') {
        written++;
        hourlyMicro = result.hourlyMicro ?? hourlyMicro;
      }
    }
    if (failed.length) await this.strike(failed, written > 0);
    if (written) this.logger.log(`${written} queued cost charge(s) written to the ledger`);
    return { hourlyMicro, stillOut: failed.length > 0 && written === 0 };
  }

  isEmpty(): boolean {
    return this.pending.size === 0 && this.unsent.size === 0;
  }

  /** What waits to be written, and for how long (read on every /status: nothing built when empty). */
  backlog(): LedgerBacklog {
    if (this.isEmpty()) return NO_BACKLOG;
    let micro = 0;
    let oldest = Number.POSITIVE_INFINITY;
    const charges = [...this.pending.values(), ...this.unsent.values()];
    for (const charge of charges) {
      micro += charge.micro;
      oldest = Math.min(oldest, charge.queuedAt ?? oldest);
    }
    return { charges: charges.length, micro, oldestMs: charges.length && Number.isFinite(oldest) ? Math.max(0, this.clock.now() - oldest) : 0 };
  }

  /**
   * Count the failures of one flush. If the ledger answered (something was written, or a read
   * goes through now), they are this charge's own doing: after STUCK_AFTER_STRIKES it is rejected.
   */
  private async strike(failed: PendingCharge[], answered: boolean): Promise<void> {
    const reachable =
      answered ||
      (await this.store.sumWindow(HOUR, this.settings.windowMs).then(
        () => true,
        () => false,
      ));
    if (!reachable) return;
    for (const charge of failed) {
      charge.strikes = (charge.strikes ?? 0) + 1;
      if (charge.strikes < STUCK_AFTER_STRIKES) continue;
      this.pending.delete(charge.id);
      this.reject(charge, 'stuck', `failed ${charge.failures} times while the ledger answered`);
    }
  }

  /**
   * Write one charge: the shared window, the session and the hourly reservation in one atomic
   * commit, then the user's window and reservation in another. A part that fails is queued.
   */
  private async write(charge: PendingCharge, retry = false): Promise<{ outcome: WriteOutcome; result: ChargeResult }> {
    const { sessionId, micro } = charge;
    const slot = Math.floor(this.clock.now() / this.slotMs);
    const result: ChargeResult = {};
    if (charge.part === 'all') {
      try {
        const sums = await this.store.commit({
          amount: micro,
          windows: [this.hour, { key: sessionKey(sessionId), windowMs: this.settings.sessionRecordTtlMs }, slotRef(this.settings, SLOT, slot)],
          hold: { poolKey: HOLDS, holdId: sessionId },
          once: this.once(charge.id),
        });
        result.hourlyMicro = sums[0];
        result.sessionMicro = sums[1];
      } catch (error) {
        return { outcome: this.failed(charge, retry, error), result };
      }
    }
    const user = userRefs(this.settings, charge.userKey);
    if (user) {
      const part: PendingCharge = charge.part === 'user' ? charge : { ...charge, id: `${charge.id}:user`, part: 'user', failures: 0, strikes: 0 };
      try {
        await this.store.commit({
          amount: micro,
          windows: [user.window, slotRef(this.settings, user.slot, slot)],
          hold: { poolKey: user.pool, holdId: sessionId },
          once: this.once(part.id),
        });
      } catch (error) {
        // The shared part is in: the result stands, only the user's part waits.
        this.failed(part, retry, error);
        return { outcome: charge.part === 'user' ? 'queued' : 'written', result };
      }
    }
    return { outcome: 'written', result };
  }

  /** A write failed: queue it for the retry (an outage), or reject it (a refusal). */
  private failed(charge: PendingCharge, retry: boolean, error: unknown): WriteOutcome {
    const message = (error as Error)?.message ?? String(error);
    if (classifyCommitError(error) === 'refused') {
      this.reject(charge, 'refused', message);
      return 'rejected';
    }
    charge.failures = (charge.failures ?? 0) + 1;
    if (!retry) this.logger.warn(`cost ledger unreachable, ${charge.micro} µUSD queued for retry: ${message}`);
    // Sent without an answer: kept under its id and re-sent as it is.
    charge.queuedAt ??= this.clock.now();
    this.pending.set(charge.id, charge);
    return 'queued';
  }

  private reject(charge: PendingCharge, reason: RejectionReason, error: string): void {
    this.onReject({ sessionId: charge.sessionId, micro: charge.micro, reason, error: error.slice(0, 200) });
  }

  private once(chargeId: string): { key: string; ttlMs: number } | undefined {
    return this.shared ? { key: `cost:charge:${chargeId}`, ttlMs: CHARGE_ONCE_TTL_MS } : undefined;
  }

  /** A charge never sent: merged with the session's other unsent spend (one write when the ledger is back). */
  private queueUnsent(charge: PendingCharge): void {
    const key = `${charge.sessionId}\u0000${charge.userKey ?? ''}\u0000${charge.part}`;
    const queued = this.unsent.get(key);
    if (queued) queued.micro += charge.micro;
    else this.unsent.set(key, { ...charge, queuedAt: this.clock.now() });
  }
}
