import { Clock } from '../common/clock';
import { bucketSizeMs, WINDOW_BUCKETS, type StateStore } from '../storage/state-store';
import { HOLDS, HOUR, SLOT, userRefs } from './cost-ledger.keys';
import type { CostSettings } from './cost-settings';

/** Which cap a refused reservation ran into. */
export type ReservationScope = 'hourly' | 'user';

export type ReservationResult =
  | { granted: true; heldMicro: number }
  | { granted: false; scope: ReservationScope; committedMicro: number; heldMicro: number; capMicro: number; userKey?: string };

/**
 * Hold the session's reservation against the hourly cap (and the user's cap first), atomically
 * with the check: committed + held + reservation ≤ cap. A user hold is undone when the hourly one
 * is refused or fails. Throws when the ledger is unreachable.
 */
export async function placeHolds(store: StateStore, s: CostSettings, sessionId: string, userKey?: string): Promise<ReservationResult> {
  const user = userRefs(s, userKey);
  if (user) {
    const result = await store.placeHold({
      window: user.window,
      poolKey: user.pool,
      holdId: sessionId,
      amount: Math.min(s.reservationMicro, user.capMicro),
      ttlMs: s.holdTtlMs,
      cap: user.capMicro,
    });
    if (!result.granted) {
      return { granted: false, scope: 'user', committedMicro: result.committed, heldMicro: result.held, capMicro: user.capMicro, userKey };
    }
  }
  try {
    const result = await store.placeHold({
      window: { key: HOUR, windowMs: s.windowMs },
      poolKey: HOLDS,
      holdId: sessionId,
      amount: s.reservationMicro,
      ttlMs: s.holdTtlMs,
      cap: s.hourlyCapMicro,
    });
    if (!result.granted) {
      if (user) await store.releaseHold(user.pool, sessionId);
      return { granted: false, scope: 'hourly', committedMicro: result.committed, heldMicro: result.held, capMicro: s.hourlyCapMicro };
    }
    return { granted: true, heldMicro: result.held };
  } catch (error) {
    if (user) await store.releaseHold(user.pool, sessionId).catch(() => undefined);
    throw error;
  }
}

/** A refusal caused by other sessions' reservations: they settle as those sessions end. */
const RESERVATIONS_RETRY_MS = 30_000;
/** Slot sums are re-read at most this often (refusals can come in bursts). */
const SLOT_CACHE_MS = 2_000;

/** When a refused reservation could be granted: read from the per-slot spend the ledger keeps. */
export class ReservationWait {
  private readonly slotMs: number;
  private slotCache: { at: number; prefix: string; sums: Map<number, number> } | undefined;

  constructor(
    private readonly store: StateStore,
    private readonly settings: CostSettings,
    private readonly clock: Clock,
  ) {
    this.slotMs = bucketSizeMs(settings.windowMs);
  }

  /**
   * How long until a reservation like this one can be granted: when enough committed spend has
   * rolled out of the window (at least 1 s), or, when running sessions' reservations alone fill
   * the cap, a short wait for them to settle.
   */
  async retryAfterMs(refusal: Extract<ReservationResult, { granted: false }>): Promise<number> {
    const amount = refusal.scope === 'user' ? Math.min(this.settings.reservationMicro, refusal.capMicro) : this.settings.reservationMicro;
    const excess = refusal.committedMicro + refusal.heldMicro + amount - refusal.capMicro;
    if (excess > refusal.committedMicro) return RESERVATIONS_RETRY_MS;
    const prefix = refusal.scope === 'user' ? userRefs(this.settings, refusal.userKey)!.slot : SLOT;
    return Math.max(1_000, await this.rolloutMs(prefix, excess));
  }

  /** Time until at least `excess` µUSD of the window under `prefix` has rolled out. */
  private async rolloutMs(prefix: string, excess: number): Promise<number> {
    const now = this.clock.now();
    const current = Math.floor(now / this.slotMs);
    const sums = await this.slotSums(prefix, current, now);
    let rolledOut = 0;
    for (let slot = current - WINDOW_BUCKETS; slot <= current; slot++) {
      rolledOut += sums.get(slot) ?? 0;
      // A bucket leaves the window's sum once it is more than WINDOW_BUCKETS buckets old.
      if (rolledOut >= excess) return (slot + WINDOW_BUCKETS + 1) * this.slotMs - now;
    }
    return this.settings.windowMs;
  }

  private async slotSums(prefix: string, current: number, now: number): Promise<Map<number, number>> {
    const cached = this.slotCache;
    if (cached && cached.prefix === prefix && now - cached.at < SLOT_CACHE_MS) return cached.sums;
    const slots = Array.from({ length: WINDOW_BUCKETS + 1 }, (_, i) => current - WINDOW_BUCKETS + i);
    const values = await Promise.all(slots.map((slot) => this.store.sumWindow(`${prefix}:${slot}`, 2 * this.settings.windowMs)));
    const sums = new Map(slots.map((slot, i) => [slot, values[i]]));
    this.slotCache = { at: now, prefix, sums };
    return sums;
  }
}
