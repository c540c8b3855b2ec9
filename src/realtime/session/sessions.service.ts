import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { EnforcementBus } from '../../common/enforcement-bus';
import { SESSION_COST, type EnforcementEvent, type SessionCost, type SessionEndReason } from '../../common/session-ports';
import { realtimeConfig } from '../../config/realtime.config';
import { HangupRetries } from '../openai/hangup-retries';
import { CloseCode } from '../protocol/close-codes';
import { errorMessage } from '../protocol/server-messages';
import type { UsageReport } from './metering-tripwire';
import { SessionLifecycle } from './session-lifecycle.service';
import { VoiceSessionFactory } from './voice-session.factory';
import type { SessionClient, SessionOutcome, VoiceSession } from './voice-session';

/** SIGTERM must end with the process gone within 10 s; sessions get most of it. */
export const DRAIN_BUDGET_MS = 7_000;

/** Why /status says conversations are refused when OPENAI_API_KEY is unset. */
export const NOT_CONFIGURED = 'OPENAI_API_KEY is not set: conversations are refused until it is set and the service restarted.';

/** The `conversations` section of /status. */
export interface ConversationCounts {
  active: number;
  starting: number;
  ending: number;
  hangupsPending: number;
  accepting: boolean;
  reason?: 'shutting_down' | 'not_configured';
  message?: string;
}

/** A browser connection that can own one session. */
export interface SessionOwner extends SessionClient {
  session?: VoiceSession;
}

/**
 * The registry of this instance's conversations. Decisions taken elsewhere — the cost module's
 * timers and breaker, auth's revocations and expiries — arrive on the enforcement bus and become
 * the session's own end(reason); a session tells the registry it is over by resolving `finished`,
 * and the registry then walks the lifecycle's `ended`, counts and forgets it. On shutdown it
 * refuses new sessions and ends every running one with `shutdown` before Nest's WsAdapter
 * terminates the sockets.
 */
@Injectable()
export class SessionsService implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(SessionsService.name);
  private readonly sessions = new Map<string, VoiceSession>();
  /** Ended sessions whose call is still watched because its hang-up failed (HangupWatch). */
  private readonly unconfirmed = new Map<string, VoiceSession>();
  private stopListening?: () => void;
  /** Set on shutdown: new connections (UpgradeGate) and sessions are refused. */
  draining = false;

  constructor(
    private readonly factory: VoiceSessionFactory,
    private readonly lifecycle: SessionLifecycle,
    private readonly bus: EnforcementBus,
    private readonly hangupRetries: HangupRetries,
    @Inject(realtimeConfig.KEY) private readonly config: ConfigType<typeof realtimeConfig>,
    @Inject(SESSION_COST) private readonly cost: SessionCost,
  ) {}

  onModuleInit(): void {
    this.stopListening = this.bus.subscribe((event) => this.enforce(event));
  }

  /** The first shutdown hook: from here on readiness is 503 and newcomers are refused, before anything else stops. */
  onModuleDestroy(): void {
    this.draining = true;
    this.stopListening?.();
  }

  /**
   * The registry by state, for /status: `ending` counts sessions still hanging up or settling,
   * so active + starting + ending = 0 means nothing of any conversation is left in memory;
   * `hangupsPending` counts ended calls OpenAI has not yet confirmed hung up (retried);
   * `accepting` is false, with the reason, while shutting down or without an OpenAI key.
   */
  counts(): ConversationCounts {
    const counts: ConversationCounts = { active: 0, starting: 0, ending: 0, hangupsPending: this.hangupRetries.size, accepting: true };
    if (this.draining) Object.assign(counts, { accepting: false, reason: 'shutting_down' });
    else if (!this.factory.configured) Object.assign(counts, { accepting: false, reason: 'not_configured', message: NOT_CONFIGURED });
    for (const session of this.sessions.values()) {
      if (session.live) counts.active++;
      else if (session.state === 'ending' || session.state === 'ended') counts.ending++;
      else counts.starting++;
    }
    return counts;
  }

  /** Live sessions on this instance. */
  get activeCount(): number {
    let count = 0;
    for (const session of this.sessions.values()) if (session.live) count++;
    return count;
  }

  /** session.start from an admitted connection. */
  async start(owner: SessionOwner, offer: string, voice: string | undefined): Promise<void> {
    if (owner.session) {
      owner.send(errorMessage('already_started', 'This connection already has a conversation; open a new connection for another.'));
      return;
    }
    if (this.draining) {
      owner.close(CloseCode.TryAgainLater, 'server restarting');
      return;
    }
    const session = this.factory.create(owner, voice ?? this.config.voice, {
      hangupLater: (callId, onSettled) => this.hangupRetries.add(callId, onSettled),
      forgetHangup: (callId) => this.hangupRetries.forget(callId),
      callUnwatched: (callId) => this.hangupRetries.unwatched(callId),
    });
    owner.session = session;
    this.sessions.set(session.id, session);
    void session.finished.then((outcome) => this.forget(session, outcome));
    await session.start(offer);
  }

  /** usage.seen: without a conversation there is nothing to compare, so it is ignored. */
  usageSeen(owner: SessionOwner, report: UsageReport): void {
    owner.session?.usageSeen(report);
  }

  setVoice(owner: SessionOwner, voice: string): void {
    if (!owner.session) {
      owner.send(errorMessage('bad_message', 'There is no conversation yet: send session.start first.'));
      return;
    }
    owner.session.setVoice(voice);
  }

  /** End a session from outside it (browser gone, enforcement, shutdown). Resolves when it is torn down. */
  async end(sessionId: string, reason: SessionEndReason): Promise<void> {
    await this.sessions.get(sessionId)?.end(reason);
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.draining = true;
    await this.holdUnconfirmed();
    if (!this.sessions.size) return;
    this.logger.log(`draining ${this.sessions.size} session(s)${signal ? ` (${signal})` : ''}`);
    const ended = Promise.all([...this.sessions.keys()].map((id) => this.end(id, 'shutdown')));
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), DRAIN_BUDGET_MS)));
    const result = await Promise.race([ended, budget]);
    clearTimeout(timer);
    if (result === 'timeout') this.logger.error(`drain budget spent with ${this.sessions.size} session(s) left`);
  }

  private enforce(event: EnforcementEvent): void {
    if (event.kind === 'update') {
      this.sessions.get(event.sessionId)?.costUpdate(event.update);
      return;
    }
    const ids = event.sessionId === '*' ? [...this.sessions.keys()] : [event.sessionId];
    for (const id of ids) void this.end(id, event.reason);
  }

  /**
   * Calls whose hang-up OpenAI has not confirmed can no longer be metered once this process is
   * gone: hold their worst case against the cap (it expires at the calls' own limit).
   */
  private async holdUnconfirmed(): Promise<void> {
    const calls = [...this.unconfirmed.values()].filter((session) => session.callUnconfirmed);
    if (!calls.length) return;
    this.logger.error(`${calls.length} call(s) still not confirmed hung up at shutdown: holding their worst case against the hourly cap`);
    await Promise.all(calls.map((session) => this.cost.unwatched(session.id)));
  }

  /** After the end: every participant settles (reservation, token watch, metrics), then forget. */
  private async forget(session: VoiceSession, outcome: SessionOutcome): Promise<void> {
    if (outcome.callOver) {
      // Its call outlives it (the hang-up failed): kept apart until OpenAI confirms the end.
      this.unconfirmed.set(session.id, session);
      void outcome.callOver.finally(() => this.unconfirmed.delete(session.id));
    }
    try {
      await this.lifecycle.ended(session.client, outcome);
    } finally {
      this.sessions.delete(session.id);
      if (session.client.open) session.client.close(CloseCode.Normal, 'ended');
    }
  }
}
