import type { IncomingMessage } from 'node:http';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock';
import { EnforcementBus } from '../common/enforcement-bus';
import { refuse } from '../common/gate-decision';
import type {
  AuthDecision,
  AuthenticatedUser,
  AuthRefusal,
  SessionAuthenticator,
  SessionEndReason,
} from '../common/session-ports';
import { refusalMessage, type AuthRefusalReason } from './auth-refusal';
import { AUTH_SETTINGS, type AuthSettings } from './auth-settings';
import { AuthMetrics } from './auth.metrics';
import { RevocationList } from './revocation-list.service';
import { TokenVerifier } from './token-verifier.service';
import { presentedToken } from './token-source';

const ADMIT_ANONYMOUS: AuthDecision = Object.freeze({ admitted: true });
/** How soon to try again when the revocation list cannot be read (Redis is usually back within seconds). */
const STORE_RETRY_SEC = 5;
/**
 * With Redis, live sessions' jtis are re-read this often: revocation events are pub/sub (at most
 * once), so one lost while an instance reconnects would otherwise leave a revoked session running.
 */
export const RECHECK_INTERVAL_MS = 5_000;
/** setTimeout's ceiling; a longer expiry is re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface TrackedSession {
  user: AuthenticatedUser;
  timer: NodeJS.Timeout;
}

/**
 * SESSION_AUTHENTICATOR: the auth step of the /session gate, and the watch over live sessions'
 * tokens. Decides; never acts — sessions to end are announced on the enforcement bus, which the
 * realtime module alone acts on (as it does on the cost module's decisions).
 */
@Injectable()
export class SessionAuthenticatorService implements SessionAuthenticator, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SessionAuthenticatorService.name);
  private readonly sessions = new Map<string, TrackedSession>();
  private readonly sessionsByJti = new Map<string, Set<string>>();
  private stopListening: (() => void) | undefined;
  private recheckTimer: NodeJS.Timeout | undefined;
  private rechecking = false;
  private recheckAgain = false;
  private lastStoreWarningAt = Number.NEGATIVE_INFINITY;

  constructor(
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
    private readonly verifier: TokenVerifier,
    private readonly revocations: RevocationList,
    private readonly metrics: AuthMetrics,
    private readonly clock: Clock,
    private readonly bus: EnforcementBus,
  ) {}

  onModuleInit(): void {
    const stopRevoked = this.revocations.onRevoked((jti) => this.endSessionsOf(jti, 'revoked'));
    const stopMissed = this.revocations.onEventsMissed(() => void this.recheckLiveTokens());
    this.stopListening = () => {
      stopRevoked();
      stopMissed();
    };
    if (this.settings.required && this.revocations.shared) {
      this.recheckTimer = setInterval(() => void this.recheckLiveTokens(), RECHECK_INTERVAL_MS).unref();
    }
  }

  onApplicationShutdown(): void {
    this.stopListening?.();
    if (this.recheckTimer) clearInterval(this.recheckTimer);
    for (const sessionId of [...this.sessions.keys()]) this.untrack(sessionId);
  }

  async authenticate(req: IncomingMessage): Promise<AuthDecision> {
    if (!this.settings.required) return ADMIT_ANONYMOUS;
    const token = presentedToken(req);
    if (token === undefined) return this.refuse('missing');
    const verification = this.verifier.verify(token);
    if (!verification.ok) return this.refuse(verification.reason, verification.detail);
    const { user } = verification;
    try {
      // Awaited: the original read an un-awaited promise here, so every token looked revoked.
      if (await this.revocations.isRevoked(user.jti)) return this.refuse('revoked');
    } catch (error) {
      return this.revocationsUnreadable(error as Error);
    }
    return { admitted: true, user };
  }

  track(sessionId: string, user: AuthenticatedUser): void {
    this.untrack(sessionId);
    const timer = this.expiryTimer(sessionId, user.expiresAt);
    this.sessions.set(sessionId, { user, timer });
    let sessions = this.sessionsByJti.get(user.jti);
    if (!sessions) this.sessionsByJti.set(user.jti, (sessions = new Set()));
    sessions.add(sessionId);
    // Revoked between the gate and now (the event came first): end it right away.
    if (this.revocations.knownRevoked(user.jti)) setImmediate(() => this.endSessionsOf(user.jti, 'revoked'));
  }

  untrack(sessionId: string): void {
    const tracked = this.sessions.get(sessionId);
    if (!tracked) return;
    clearTimeout(tracked.timer);
    this.sessions.delete(sessionId);
    const sessions = this.sessionsByJti.get(tracked.user.jti);
    sessions?.delete(sessionId);
    if (sessions?.size === 0) this.sessionsByJti.delete(tracked.user.jti);
  }

  /** Sessions this instance watches (for /status and tests). */
  get trackedSessions(): number {
    return this.sessions.size;
  }

  /** One pass of the periodic check: every live jti read from the store; revoked ones end their sessions. */
  async recheckLiveTokens(): Promise<void> {
    if (this.sessionsByJti.size === 0) return;
    if (this.rechecking) {
      // A pass already under way may have read before the news; run one more after it.
      this.recheckAgain = true;
      return;
    }
    this.rechecking = true;
    try {
      do {
        this.recheckAgain = false;
        // isRevoked() announces a newly found revocation to onRevoked, which ends the sessions.
        await Promise.all([...this.sessionsByJti.keys()].map((jti) => this.revocations.isRevoked(jti).catch(() => false)));
      } while (this.recheckAgain);
    } finally {
      this.rechecking = false;
    }
  }

  private expiryTimer(sessionId: string, expiresAt: number): NodeJS.Timeout {
    // Ends when the gate would stop accepting the token: its exp plus the clock tolerance.
    const delay = Math.max(0, expiresAt + this.settings.clockToleranceMs - this.clock.now());
    return setTimeout(() => {
      const tracked = this.sessions.get(sessionId);
      if (!tracked) return;
      if (delay > MAX_TIMER_MS) tracked.timer = this.expiryTimer(sessionId, expiresAt);
      else this.end(sessionId, 'token_expired');
    }, Math.min(delay, MAX_TIMER_MS)).unref();
  }

  private endSessionsOf(jti: string, reason: SessionEndReason): void {
    for (const sessionId of [...(this.sessionsByJti.get(jti) ?? [])]) this.end(sessionId, reason);
  }

  /** Announce once on the enforcement bus, and stop watching: the realtime module ends the session. */
  private end(sessionId: string, reason: SessionEndReason): void {
    if (!this.sessions.has(sessionId)) return;
    this.untrack(sessionId);
    this.bus.emit({ kind: 'end', sessionId, reason });
  }

  private refuse(reason: AuthRefusalReason, detail?: string): AuthRefusal {
    this.metrics.refused(reason);
    const refusal: AuthRefusal = refuse('unauthorized', refusalMessage(reason, detail));
    if (this.settings.loginUrl) refusal.loginUrl = this.settings.loginUrl;
    return refusal;
  }

  /** Fail closed: a revoked token must not work while the list is unreadable. */
  private revocationsUnreadable(error: Error): AuthRefusal {
    // One line per outage burst, not one per visitor.
    if (this.clock.now() - this.lastStoreWarningAt >= 10_000) {
      this.lastStoreWarningAt = this.clock.now();
      this.logger.warn(`refusing new sessions: the token revocation list cannot be read (${error.message})`);
    }
    return refuse('upstream_error', 'Your sign-in cannot be checked right now. Please try again shortly.', STORE_RETRY_SEC);
  }
}
