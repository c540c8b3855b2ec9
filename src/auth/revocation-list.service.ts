import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock';
import { InjectStore } from '../storage/inject-store.decorator';
import { deliver, type StateStore } from '../storage/state-store';
import { AUTH_SETTINGS, type AuthSettings } from './auth-settings';

/** The cross-instance event: every instance ends its sessions on `jti`. */
export const REVOKED_CHANNEL = 'auth:revoked';

interface RevokedEvent {
  jti: string;
  /** Epoch ms until which the jti stays revoked. */
  until: number;
}

/**
 * The jti denylist (docs/authentication.md), in the storage provider: one record per revoked `jti`, kept
 * until the token would have expired, so the list never outgrows the tokens still alive. Keyed by
 * `jti`, never by the token text (a re-encoded token would slip past a hash of the text). With
 * Redis it is shared and survives restarts; in memory it clears on restart, which is acceptable
 * because every token expires within JWT_MAX_TTL_HOURS.
 *
 * Each instance also remembers the revocations it has heard of, so a session tracked a moment
 * after its revocation event arrived still ends.
 */
@Injectable()
export class RevocationList implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RevocationList.name);
  /** jti → epoch ms until which it is revoked: revocations this instance has made or heard of. */
  private readonly heard = new Map<string, number>();
  private readonly listeners = new Set<(jti: string) => void>();
  private readonly missedListeners = new Set<() => void>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    @InjectStore() private readonly store: StateStore,
    private readonly clock: Clock,
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
  ) {}

  /** The list is shared by instances (Redis), so a revocation event can be missed and must be re-read. */
  get shared(): boolean {
    return this.store.backend !== 'memory';
  }

  onModuleInit(): void {
    this.unsubscribe = this.store.subscribe(
      REVOKED_CHANNEL,
      (message) => this.onEvent(message),
      () => this.missedListeners.forEach((listener) => deliver(listener, undefined)),
    );
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
    this.listeners.clear();
    this.missedListeners.clear();
  }

  /**
   * Revoke `jti` until `exp` (seconds, as in the token) — or, without it, until the longest a
   * token accepted now could live — and tell every instance. Returns the epoch ms it lasts until.
   * Throws when the store cannot be written (nothing was revoked).
   */
  async revoke(jti: string, exp?: number): Promise<number> {
    const now = this.clock.now();
    const tolerance = this.settings.clockToleranceMs;
    // An accepted token has iat ≤ now + tolerance and exp - iat ≤ max TTL: it dies before this.
    const latest = now + this.settings.maxTtlMs + 2 * tolerance;
    const until = Math.min(exp === undefined ? latest : exp * 1000 + tolerance, latest);
    const ttlMs = Math.max(1_000, until - now);
    await this.store.set(revokedKey(jti), { until: now + ttlMs }, ttlMs);
    this.remember(jti, now + ttlMs);
    try {
      await this.store.publish(REVOKED_CHANNEL, { jti, until: now + ttlMs } satisfies RevokedEvent);
    } catch (error) {
      // Stored but not announced: other instances find it on their next periodic check.
      this.logger.warn(`revocation stored but not announced to other instances (${(error as Error).message})`);
    }
    return now + ttlMs;
  }

  /** Whether `jti` is revoked, read from the store (awaited). Throws when the store cannot be read. */
  async isRevoked(jti: string): Promise<boolean> {
    if (this.knownRevoked(jti)) return true;
    const record = await this.store.get<{ until: number }>(revokedKey(jti));
    if (record === undefined) return false;
    this.remember(jti, typeof record.until === 'number' ? record.until : this.clock.now() + this.settings.maxTtlMs);
    return true;
  }

  /** Whether this instance has made or heard of a revocation of `jti` (no store read). */
  knownRevoked(jti: string): boolean {
    const until = this.heard.get(jti);
    return until !== undefined && until > this.clock.now();
  }

  /**
   * Called when revocation events may have been missed (the event connection came back): the
   * listener re-checks its live tokens against the store. Returns unsubscribe.
   */
  onEventsMissed(listener: () => void): () => void {
    this.missedListeners.add(listener);
    return () => this.missedListeners.delete(listener);
  }

  /** Called with each newly revoked jti, whichever instance revoked it; returns unsubscribe. */
  onRevoked(listener: (jti: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private onEvent(message: unknown): void {
    const event = message as Partial<RevokedEvent> | null;
    if (typeof event?.jti !== 'string' || typeof event.until !== 'number') return;
    this.remember(event.jti, event.until);
  }

  /** Record a revocation; listeners hear of each jti once per revocation. */
  private remember(jti: string, until: number): void {
    const now = this.clock.now();
    const wasKnown = this.knownRevoked(jti);
    // Revocations are rare operator actions: sweeping on each one keeps the map bounded.
    for (const [known, knownUntil] of this.heard) if (knownUntil <= now) this.heard.delete(known);
    this.heard.set(jti, Math.max(until, this.heard.get(jti) ?? 0));
    if (!wasKnown) for (const listener of this.listeners) deliver(listener as (message: unknown) => void, jti);
  }
}

/** The store key of a revoked jti: hashed, so any length or character fits. */
export function revokedKey(jti: string): string {
  return `auth:revoked:${createHash('sha256').update(jti).digest('base64url')}`;
}
