import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { realtimeConfig } from '../../config/realtime.config';
import { SESSION_AUTHENTICATOR, SESSION_COST, TOOL_CATALOG } from '../../common/session-ports';
import type { AuthenticatedUser, EnforcementEvent, SessionAuthenticator, SessionCost, SessionEndReason, ToolCatalog } from '../../common/session-ports';
import { StatusRegistry } from '../../health/status.registry';
import { CloseCode } from '../protocol/close-codes';
import { errorMessage } from '../protocol/server-messages';
import { HangupRetries } from '../openai/hangup-retries';
import { RealtimeCallsClient } from '../openai/realtime-calls.client';
import { SidebandClient } from '../openai/sideband.client';
import { RealtimeMetrics } from '../realtime.metrics';
import { SessionConfigFactory } from '../session-config/session-config.factory';
import type { UsageReport } from './metering-tripwire';
import { SessionClient, SessionOutcome, VoiceSession, VoiceSessionDeps } from './voice-session';

/** SIGTERM must end with the process gone within 10 s; sessions get most of it. */
export const DRAIN_BUDGET_MS = 7_000;

/** A browser connection that can own one session. */
export interface SessionOwner extends SessionClient {
  session?: VoiceSession;
  /** With auth on: the token the connection was opened with. */
  user?: AuthenticatedUser;
}

/**
 * The registry of this instance's conversations and the single way each one ends. The cost
 * module decides (usage verdicts, timers, the breaker on any instance) and this service acts:
 * every decision arrives at end(sessionId, reason). On shutdown it refuses new sessions and
 * ends every running one with `shutdown` before Nest's WsAdapter terminates the sockets.
 */
@Injectable()
export class SessionsService implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(SessionsService.name);
  private readonly sessions = new Map<string, VoiceSession>();
  private readonly deps: VoiceSessionDeps;
  private readonly unsubscribe: Array<() => void> = [];
  /** Set on shutdown: new connections and sessions are refused. */
  draining = false;

  constructor(
    @Inject(SESSION_COST) private readonly cost: SessionCost,
    @Inject(SESSION_AUTHENTICATOR) private readonly authenticator: SessionAuthenticator,
    @Inject(TOOL_CATALOG) catalog: ToolCatalog,
    calls: RealtimeCallsClient,
    sideband: SidebandClient,
    configFactory: SessionConfigFactory,
    @Inject(realtimeConfig.KEY) private readonly config: ConfigType<typeof realtimeConfig>,
    private readonly metrics: RealtimeMetrics,
    private readonly status: StatusRegistry,
    private readonly hangupRetries: HangupRetries,
  ) {
    this.deps = {
      cost,
      catalog,
      calls,
      sideband,
      configFactory,
      end: (id, reason) => void this.end(id, reason),
      onLive: () => this.metrics.sessionStarted(),
      hangupLater: (callId) => this.hangupRetries.add(callId),
      meteringLost: (session, loss) => {
        this.metrics.meteringLost();
        this.logger.error(
          `session ${session.id} on call ${session.callId}: the page saw ${loss.browser.responses} response(s) but the sideband metered ${loss.sideband.responses} ` +
            `(page tokens in/out ${loss.browser.inputTokens}/${loss.browser.outputTokens}, metered ${loss.sideband.inputTokens}/${loss.sideband.outputTokens}); ending the call: metering_lost`,
        );
      },
    };
  }

  onModuleInit(): void {
    // Cost (budgets, timers, the breaker) and auth (revoked or expired tokens) decide; this acts.
    this.unsubscribe.push(this.cost.onEnforcement((event) => this.enforce(event)));
    this.unsubscribe.push(this.authenticator.onEnforcement((event) => this.enforce(event)));
    this.status.register('conversations', () => this.counts());
  }

  onModuleDestroy(): void {
    for (const stop of this.unsubscribe.splice(0)) stop();
  }

  /**
   * The registry by state, for /status: `ending` counts sessions still hanging up or settling,
   * so active + starting + ending = 0 means nothing of any conversation is left in memory;
   * `hangupsPending` counts ended calls OpenAI has not yet confirmed hung up (retried).
   */
  counts(): { active: number; starting: number; ending: number; hangupsPending: number; accepting: boolean } {
    const counts = { active: 0, starting: 0, ending: 0, hangupsPending: this.hangupRetries.size, accepting: !this.draining };
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
    const session = new VoiceSession(owner, voice ?? this.config.voice, this.deps);
    owner.session = session;
    this.sessions.set(session.id, session);
    // From now on a revocation or the token's expiry ends this session (through end()).
    if (owner.user) this.authenticator.track(session.id, owner.user);
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

  /** The one way a session ends, whatever decided it. Resolves when it is fully torn down. */
  async end(sessionId: string, reason: SessionEndReason): Promise<void> {
    const session = this.sessions.get(sessionId);
    if (session) await session.end(reason);
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.draining = true;
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

  /** After the end: settle the reservation, count, forget. */
  private async forget(session: VoiceSession, outcome: SessionOutcome): Promise<void> {
    this.authenticator.untrack(session.id);
    if (outcome.refusal) this.metrics.refused(outcome.refusal);
    if (outcome.wasLive) this.metrics.sessionEnded(outcome.reason ?? 'client', outcome.durationSec);
    try {
      await this.cost.release(session.id);
    } catch (error) {
      this.logger.error(`releasing session ${session.id} failed: ${(error as Error).message}`);
    } finally {
      this.sessions.delete(session.id);
      if (session.client.open) session.client.close(CloseCode.Normal, 'ended');
    }
  }
}
