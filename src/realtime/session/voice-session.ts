import { Logger } from '@nestjs/common';
import type { RealtimeClientEvent } from 'openai/resources/realtime/realtime';
import type { RefusalCode } from '../../common/gate-decision';
import type { SessionOutcome } from '../../common/session-lifecycle';
import type { SessionEndReason } from '../../common/session-ports';
import { CloseCode, closeCodeForRefusal } from '../protocol/close-codes';
import { errorCodeForRefusal, errorMessage } from '../protocol/server-messages';
import { SessionConfigGuard } from '../session-config/session-config.factory';
import { CallHangup } from './call-hangup';
import { ConfigWatch } from './config-watch';
import { describeLoss, MeteringLoss, MeteringTripwire, UsageReport } from './metering-tripwire';
import { SessionMetering } from './session-metering';
import { CostUpdateCoalescer } from './cost-update-coalescer';
import { CallParts, routeSidebandEvent } from './sideband-events';
import { DEFAULT_REATTACH, SidebandLink } from './sideband-link';
import { startFailure } from './start-failure';
import { ToolCalls } from './tool-calls';
import { VoiceChange } from './voice-change';
import { DEFAULT_TIMING, type SessionClient, type SessionTiming, type VoiceSessionDeps } from './voice-session.ports';

export type { SessionOutcome };
export type { SessionClient, StartPhase, SessionTiming, VoiceSessionDeps } from './voice-session.ports';

export type SessionState = 'admitting' | 'creating' | 'attaching' | 'live' | 'ending' | 'ended';

/**
 * One conversation's life: admitting → creating (the call at OpenAI) → attaching (its sideband)
 * → live → ending → ended. Every end — stop, disconnect, limits, upstream, tampering, shutdown —
 * is end(reason), here and from outside alike; a session still starting finishes the step it is
 * in and then tears down. Teardown hangs up (unless OpenAI already ended the call), tells the
 * browser, closes the sideband and resolves `finished`, which is how the registry learns of it.
 * What happens on the call is delegated: ToolCalls, SessionMetering, VoiceChange, ConfigWatch;
 * hanging it up, and watching a call whose hang-up failed, to CallHangup.
 */
export class VoiceSession {
  state: SessionState = 'admitting';
  callId?: string;
  readonly finished: Promise<SessionOutcome>;
  private resolveFinished!: (outcome: SessionOutcome) => void;
  private readonly logger = new Logger(VoiceSession.name);
  private readonly timing: SessionTiming;
  private readonly abort = new AbortController();
  private readonly tools: ToolCalls;
  private readonly voiceChange: VoiceChange;
  private link?: SidebandLink;
  private metering?: SessionMetering;
  private endRequested?: SessionEndReason;
  private liveAt = 0;
  private teardownStarted = false;
  private readonly costUpdates: CostUpdateCoalescer;
  private readonly hangups: CallHangup;
  private readonly tripwire = new MeteringTripwire((loss) => this.onMeteringLost(loss));

  constructor(
    readonly client: SessionClient,
    voice: string,
    private readonly deps: VoiceSessionDeps,
  ) {
    this.timing = { ...DEFAULT_TIMING, ...deps.timing };
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    this.hangups = new CallHangup(this.id, deps, this.logger);
    this.costUpdates = new CostUpdateCoalescer({ send: (update, droppable) => this.client.send({ type: 'cost.updated', ...update }, droppable) });
    const send = (event: RealtimeClientEvent) => void this.link?.send(event);
    this.voiceChange = new VoiceChange(voice, { send, notify: (message) => this.client.send(message), confirmMs: this.timing.voiceConfirmMs });
    this.tools = new ToolCalls({
      run: (name, args) => this.runTool(name, args),
      send,
      notify: (message) => this.client.send(message),
      now: () => performance.now(),
      fault: (error) => this.logger.error(`session ${this.id}: tool call handling failed: ${(error as Error)?.stack ?? String(error)}`),
      timeoutMs: this.timing.toolTimeoutMs,
    });
  }

  get id(): string {
    return this.client.id;
  }

  get live(): boolean {
    return this.state === 'live';
  }

  get voice(): string {
    return this.voiceChange.voice;
  }

  /** Ended for the browser, but OpenAI has not confirmed the call's end: it is still metered here. */
  get callUnconfirmed(): boolean {
    return this.hangups.unconfirmed;
  }

  // ---- start --------------------------------------------------------------------------------

  /** Admission → call → sideband → session.started. Never rejects. */
  async start(offer: string): Promise<void> {
    const decision = await this.deps.lifecycle.admit('start', this.client);
    if (!decision.admitted) return this.refuse(decision.code, decision.message, decision.retryAfterSec, closeCodeForRefusal(decision.code));
    if (this.endRequested) return this.teardown(this.endRequested);

    this.state = 'creating';
    const factory = this.deps.configFactory;
    const sessionConfig = factory.build(this.voice, this.client.languages);
    this.metering = new SessionMetering(
      this.deps.cost,
      { sessionId: this.id, live: () => this.live, costUpdate: (u) => this.costUpdates.push(u), end: (r) => void this.end(r), logger: this.logger },
      { model: factory.model, transcriptionModel: factory.transcriptionModel },
    );
    const guard = new SessionConfigGuard(sessionConfig);
    try {
      const created = await this.deps.calls.create(offer, sessionConfig);
      this.callId = created.callId;
      if (this.endRequested) return this.teardown(this.endRequested);

      this.state = 'attaching';
      const parts = this.callParts(guard);
      this.link = new SidebandLink(
        created.callId,
        this.deps.sideband,
        {
          onEvent: (event) => routeSidebandEvent(event, parts),
          onMalformed: () => this.logger.warn(`session ${this.id}: malformed sideband frame ignored`),
          onLost: (callGone) => void this.end(callGone ? 'upstream_closed' : 'upstream_error'),
        },
        this.logger,
        this.deps.reattach ?? DEFAULT_REATTACH,
      );
      await this.link.attach();
      if (this.endRequested) return this.teardown(this.endRequested);

      this.state = 'live';
      this.liveAt = performance.now();
      this.client.send({ type: 'session.started', sessionId: this.id, sdp: created.answer, model: factory.model, voice: this.voice, limits: this.deps.cost.limits() });
      this.logger.log(`session ${this.id} live on call ${created.callId}`);
      if (!this.deps.lifecycle.started(this.client)) void this.end('upstream_error');
    } catch (error) {
      await this.failStart(error);
    }
  }

  /** A refused or failed start: the browser gets `error`, the socket closes, nothing stays up. */
  private refuse(code: RefusalCode, message: string, retryAfterSec: number | undefined, closeCode: number): void {
    this.state = 'ended';
    this.tools.close();
    this.costUpdates.close();
    this.client.send(errorMessage(errorCodeForRefusal(code), message, retryAfterSec));
    this.client.close(closeCode, code);
    this.resolveFinished({ wasLive: false, refusal: code, durationSec: 0, callOver: this.hangups.callOver() });
  }

  private async failStart(error: unknown): Promise<void> {
    if (this.endRequested) return this.teardown(this.endRequested);
    this.logger.error(`session ${this.id}: starting the call failed: ${(error as Error)?.message ?? String(error)}`);
    // A call that exists but cannot be watched must not run: hang it up.
    const hungUp = this.callId ? await this.hangups.hangup(this.callId, this.link) : true;
    if (hungUp) this.link?.close();
    const { message, retryAfterSec, closeCode } = startFailure(error);
    this.refuse('upstream_error', message, retryAfterSec, closeCode);
  }

  // ---- browser requests ---------------------------------------------------------------------

  /** voice.set: confirmed by OpenAI (session.updated) before the browser hears voice.changed. */
  setVoice(voice: string): void {
    if (!this.live) {
      this.client.send(errorMessage('bad_message', 'The conversation has not started yet; wait for session.started.'));
      return;
    }
    this.voiceChange.request(voice);
  }

  /** usage.seen: what the page's data channel saw, checked against what the sideband metered. */
  usageSeen(report: UsageReport): void {
    if (this.live || this.state === 'ending') this.tripwire.browserReport(report);
  }

  private onMeteringLost(loss: MeteringLoss): void {
    this.logger.error(`session ${this.id} on call ${this.callId}: ${describeLoss(loss)}; ending the call: metering_lost`);
    this.deps.meteringLost?.();
    void this.end('metering_lost');
  }

  /** A cost update decided outside a usage event (timers: the one-minute warning). */
  costUpdate(update: { sessionCostUsd: number; budgetUsd: number; budgetWarning?: boolean; secondsLeft?: number }): void {
    if (this.live) this.costUpdates.push(update);
  }

  // ---- ending -------------------------------------------------------------------------------

  /** The one end, whatever decided it; idempotent. A session still starting ends once its current step returns. */
  end(reason: SessionEndReason): Promise<SessionOutcome> {
    const starting = this.state === 'admitting' || this.state === 'creating' || this.state === 'attaching';
    if ((starting && !this.endRequested) || (this.state === 'live' && !this.teardownStarted)) this.deps.onEnding?.(reason);
    if (starting) this.endRequested ??= reason;
    else if (this.state === 'live') void this.teardown(reason);
    return this.finished;
  }

  private async teardown(reason: SessionEndReason): Promise<void> {
    if (this.teardownStarted) return;
    this.teardownStarted = true;
    const wasLive = this.state === 'live';
    this.state = 'ending';
    this.tools.close();
    this.abort.abort();
    this.voiceChange.close();
    // Keep the socket to meter the last usage, but never re-attach from here on.
    this.link?.stopReattaching();

    const hangup = reason !== 'upstream_closed' && this.callId ? this.hangups.hangup(this.callId, this.link) : Promise.resolve(true);
    await Promise.race([hangup, new Promise((resolve) => setTimeout(resolve, this.timing.hangupWaitMs).unref())]);
    if (this.client.open) {
      // The latest figure waiting in the cadence goes out before the end.
      this.costUpdates.flush();
      this.client.send({ type: 'session.ended', reason });
      this.client.close(CloseCode.Normal, reason);
    }
    this.costUpdates.close();
    // A call that did not take its hang-up keeps its sideband: HangupWatch meters it on.
    if (await hangup) this.link?.close();
    this.tripwire.close();
    this.state = 'ended';
    const durationSec = wasLive ? (performance.now() - this.liveAt) / 1000 : 0;
    this.logger.log(`session ${this.id} ended (${reason}) after ${durationSec.toFixed(1)} s`);
    this.resolveFinished({ wasLive, reason, durationSec, callOver: this.hangups.callOver() });
  }

  /** What acts on the sideband's events once the call exists. */
  private callParts(guard: SessionConfigGuard): CallParts {
    const warn = (message: string) => this.logger.warn(`session ${this.id}: ${message}`);
    const config = new ConfigWatch(guard, { send: (event) => void this.link?.send(event), end: (reason) => void this.end(reason), warn });
    const ending = () => this.state === 'ending' || this.state === 'ended';
    return { tools: this.tools, voice: this.voiceChange, metering: this.metering, tripwire: this.tripwire, config, ending, warn };
  }

  private runTool(name: string, argumentsJson: string) {
    return this.deps.catalog.run(name, argumentsJson, {
      sessionId: this.id,
      identity: this.client.identity,
      requestId: this.id,
      signal: this.abort.signal,
      reportBackendUsage: async (usage) => this.metering?.backend(usage),
    });
  }
}
