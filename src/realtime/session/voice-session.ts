import { Logger } from '@nestjs/common';
import type { GateDecision, RefusalCode } from '../../common/gate-decision';
import type { ClientIdentity, MeterVerdict, SessionCost, SessionEndReason, ToolCatalog, ToolOutcome } from '../../common/session-ports';
import { CloseCode, closeCodeForRefusal } from '../protocol/close-codes';
import { errorCodeForRefusal, errorMessage, ServerMessage } from '../protocol/server-messages';
import { RealtimeCallsClient } from '../openai/realtime-calls.client';
import { RealtimeUpstreamError } from '../openai/realtime-upstream.error';
import { SidebandClient, SidebandEvent } from '../openai/sideband.client';
import { SessionConfigFactory, SessionConfigGuard } from '../session-config/session-config.factory';
import { MeteringLoss, MeteringTripwire, UsageReport } from './metering-tripwire';
import { DEFAULT_REATTACH, ReattachPolicy, SidebandLink } from './sideband-link';
import { ToolCalls } from './tool-calls';

/** What a session needs from the browser connection. */
export interface SessionClient {
  readonly id: string;
  readonly identity: ClientIdentity;
  readonly languages: string[];
  readonly open: boolean;
  /** Droppable messages (cost.updated) are skipped when the browser is not reading. */
  send(message: ServerMessage, droppable?: boolean): boolean;
  close(code: number, reason: string): void;
}

export interface VoiceSessionDeps {
  cost: SessionCost;
  catalog: ToolCatalog;
  calls: RealtimeCallsClient;
  sideband: SidebandClient;
  configFactory: SessionConfigFactory;
  /** The one way a session ends (SessionsService.end). */
  end(sessionId: string, reason: SessionEndReason): void;
  /** The session went live (session.started sent). */
  onLive?(session: VoiceSession): void;
  /** A hang-up OpenAI did not take through its immediate retries: keep trying in the background. */
  hangupLater?(callId: string): void;
  /** The page saw responses the sideband never metered (the session ends with metering_lost). */
  meteringLost?(session: VoiceSession, loss: MeteringLoss): void;
  reattach?: ReattachPolicy;
  timing?: Partial<SessionTiming>;
}

export interface SessionTiming {
  /** A tool that has not answered by then gets an error output. */
  toolTimeoutMs: number;
  /** OpenAI must confirm a voice change (session.updated) within this. */
  voiceConfirmMs: number;
  /** How long the browser's session.ended waits for the hang-up to be acknowledged. */
  hangupWaitMs: number;
}

const DEFAULT_TIMING: SessionTiming = { toolTimeoutMs: 45_000, voiceConfirmMs: 5_000, hangupWaitMs: 2_000 };

/** Someone else rewrote the pinned session config this many times: the call is ended. */
export const MAX_CONFIG_RESTORES = 5;

export type SessionState = 'admitting' | 'creating' | 'attaching' | 'live' | 'ending' | 'ended';

/** How a session finished, for the registry, the cost module and the metrics. */
export interface SessionOutcome {
  /** The browser got session.started. */
  wasLive: boolean;
  /** Why it ended; a refusal or start failure carries its error code instead. */
  reason?: SessionEndReason;
  refusal?: string;
  /** Seconds from session.started to the end (0 when it never went live). */
  durationSec: number;
}

const VOICE_LOCKED = (voice: string) =>
  `The voice can only change before DUCK-E first speaks in a conversation. Start a new conversation to use ${voice}.`;

/**
 * One conversation: admission, the call at OpenAI, its sideband, its tool calls, metering and
 * its end. Every end — stop, disconnect, limits, upstream, shutdown — goes through teardown():
 * hang up (unless OpenAI already ended the call), tell the browser, close the sideband, and
 * resolve `finished`, after which the registry releases the cost reservation and forgets it.
 */
export class VoiceSession {
  state: SessionState = 'admitting';
  voice: string;
  callId?: string;
  readonly finished: Promise<SessionOutcome>;
  private resolveFinished!: (outcome: SessionOutcome) => void;
  private readonly logger = new Logger(VoiceSession.name);
  private readonly timing: SessionTiming;
  private readonly abort = new AbortController();
  private readonly tools: ToolCalls;
  private link?: SidebandLink;
  private guard?: SessionConfigGuard;
  private model = '';
  private transcriptionModel = '';
  private endRequested?: SessionEndReason;
  private liveAt = 0;
  private spoke = false;
  private pendingVoice?: { voice: string; eventId: string; timer: NodeJS.Timeout };
  private voiceEvents = 0;
  private restores = 0;
  private baselineTaken = false;
  private teardownStarted = false;
  private readonly tripwire = new MeteringTripwire((loss) => this.onMeteringLost(loss));

  constructor(
    readonly client: SessionClient,
    voice: string,
    private readonly deps: VoiceSessionDeps,
  ) {
    this.voice = voice;
    this.timing = { ...DEFAULT_TIMING, ...deps.timing };
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    this.tools = new ToolCalls({
      run: (name, args) => this.runTool(name, args),
      send: (event) => this.link?.send(event),
      notify: (message) => this.client.send(message),
      now: () => performance.now(),
      fault: (error) => this.logger.error(`session ${this.id}: tool call handling failed: ${(error as Error)?.stack ?? String(error)}`),
    });
  }

  get id(): string {
    return this.client.id;
  }

  get live(): boolean {
    return this.state === 'live';
  }

  // ---- start --------------------------------------------------------------------------------

  /** Admission → call → sideband → session.started. Never rejects. */
  async start(offer: string): Promise<void> {
    const decision = await this.admit();
    if (!decision.admitted) return this.refuse(decision.code, decision.message, decision.retryAfterSec, closeCodeForRefusal(decision.code));
    if (this.endRequested) return this.teardown(this.endRequested);

    this.state = 'creating';
    const sessionConfig = this.deps.configFactory.build(this.voice, this.client.languages);
    this.model = this.deps.configFactory.model;
    this.transcriptionModel = this.deps.configFactory.transcriptionModel;
    this.guard = new SessionConfigGuard(sessionConfig);
    try {
      const created = await this.deps.calls.create(offer, sessionConfig);
      this.callId = created.callId;
      if (this.endRequested) return this.teardown(this.endRequested);

      this.state = 'attaching';
      this.link = new SidebandLink(
        created.callId,
        this.deps.sideband,
        {
          onEvent: (event) => this.onSidebandEvent(event),
          onMalformed: () => this.logger.warn(`session ${this.id}: malformed sideband frame ignored`),
          onLost: (callGone) => this.deps.end(this.id, callGone ? 'upstream_closed' : 'upstream_error'),
        },
        this.logger,
        this.deps.reattach ?? DEFAULT_REATTACH,
      );
      await this.link.attach();
      if (this.endRequested) return this.teardown(this.endRequested);

      this.state = 'live';
      this.liveAt = performance.now();
      this.client.send({
        type: 'session.started',
        sessionId: this.id,
        sdp: created.answer,
        model: this.model,
        voice: this.voice,
        limits: this.deps.cost.limits(),
      });
      this.deps.cost.started(this.id);
      this.deps.onLive?.(this);
      this.logger.log(`session ${this.id} live on call ${created.callId}`);
    } catch (error) {
      await this.failStart(error);
    }
  }

  private async admit(): Promise<GateDecision> {
    try {
      return await this.deps.cost.admit(this.id, this.client.identity);
    } catch (error) {
      // Spend that cannot be checked is spend that is not allowed (fail closed).
      this.logger.error(`session ${this.id}: cost admission failed: ${(error as Error).message}`);
      return { admitted: false, code: 'upstream_error', message: 'Spending cannot be checked right now; try again in a moment.', retryAfterSec: 5 };
    }
  }

  /** A refused or failed start: the browser gets `error`, the socket closes, nothing stays up. */
  private refuse(code: RefusalCode, message: string, retryAfterSec: number | undefined, closeCode: number): void {
    this.state = 'ended';
    this.tools.close();
    this.client.send(errorMessage(errorCodeForRefusal(code), message, retryAfterSec));
    this.client.close(closeCode, code);
    this.resolveFinished({ wasLive: false, refusal: code, durationSec: 0 });
  }

  private async failStart(error: unknown): Promise<void> {
    if (this.endRequested) return this.teardown(this.endRequested);
    const upstream = error instanceof RealtimeUpstreamError ? error : undefined;
    this.logger.error(`session ${this.id}: starting the call failed: ${(error as Error)?.message ?? String(error)}`);
    // A call that exists but cannot be watched must not run: hang it up.
    if (this.callId) await this.hangup();
    this.link?.close();
    const retryable = upstream?.retryable ?? true;
    this.refuse(
      'upstream_error',
      retryable ? 'The voice service is not answering right now; try again in a moment.' : 'The voice service refused to start this conversation.',
      retryable ? 5 : undefined,
      retryable ? CloseCode.TryAgainLater : CloseCode.ServerFault,
    );
  }

  // ---- browser requests ---------------------------------------------------------------------

  /** voice.set: confirmed by OpenAI (session.updated) before the browser hears voice.changed. */
  setVoice(voice: string): void {
    if (!this.live) {
      this.client.send(errorMessage('bad_message', 'The conversation has not started yet; wait for session.started.'));
      return;
    }
    if (voice === this.voice && !this.pendingVoice) {
      this.client.send({ type: 'voice.changed', voice });
      return;
    }
    if (this.spoke) {
      this.client.send(errorMessage('invalid_voice', VOICE_LOCKED(voice)));
      return;
    }
    if (this.pendingVoice) clearTimeout(this.pendingVoice.timer);
    const eventId = `ducke_voice_${++this.voiceEvents}`;
    const timer = setTimeout(() => {
      if (this.pendingVoice?.eventId !== eventId) return;
      this.pendingVoice = undefined;
      this.client.send(errorMessage('invalid_voice', `OpenAI did not confirm the change to ${voice}; the voice stays ${this.voice}.`));
    }, this.timing.voiceConfirmMs);
    this.pendingVoice = { voice, eventId, timer };
    this.link?.send({ type: 'session.update', event_id: eventId, session: { type: 'realtime', audio: { output: { voice } } } });
  }

  /** usage.seen: what the page's data channel saw, checked against what the sideband metered. */
  usageSeen(report: UsageReport): void {
    if (this.live || this.state === 'ending') this.tripwire.browserReport(report);
  }

  private onMeteringLost(loss: MeteringLoss): void {
    this.deps.meteringLost?.(this, loss);
    this.deps.end(this.id, 'metering_lost');
  }

  /** A cost update decided outside a usage event (timers: the one-minute warning). */
  costUpdate(update: { sessionCostUsd: number; budgetUsd: number; budgetWarning?: boolean; secondsLeft?: number }): void {
    if (this.live) this.client.send({ type: 'cost.updated', ...update }, true);
  }

  // ---- ending -------------------------------------------------------------------------------

  /** Request the end; idempotent. A session still starting ends as soon as its current step returns. */
  end(reason: SessionEndReason): Promise<SessionOutcome> {
    if (this.state === 'admitting' || this.state === 'creating' || this.state === 'attaching') {
      this.endRequested ??= reason;
    } else if (this.state === 'live') {
      void this.teardown(reason);
    }
    return this.finished;
  }

  private async teardown(reason: SessionEndReason): Promise<void> {
    if (this.teardownStarted) return;
    this.teardownStarted = true;
    const wasLive = this.state === 'live';
    this.state = 'ending';
    this.tools.close();
    this.abort.abort();
    if (this.pendingVoice) clearTimeout(this.pendingVoice.timer);
    this.pendingVoice = undefined;
    // Keep the socket to meter the last usage, but never re-attach from here on.
    this.link?.stopReattaching();

    const hangup = reason !== 'upstream_closed' && this.callId ? this.hangup() : Promise.resolve();
    await Promise.race([hangup, new Promise((resolve) => setTimeout(resolve, this.timing.hangupWaitMs).unref())]);
    if (this.client.open) {
      this.client.send({ type: 'session.ended', reason });
      this.client.close(CloseCode.Normal, reason);
    }
    await hangup;
    this.link?.close();
    this.tripwire.close();
    this.state = 'ended';
    const durationSec = wasLive ? (performance.now() - this.liveAt) / 1000 : 0;
    this.logger.log(`session ${this.id} ended (${reason}) after ${durationSec.toFixed(1)} s`);
    this.resolveFinished({ wasLive, reason, durationSec });
  }

  /** Never rejects: a hang-up that keeps failing is handed over to be retried in the background. */
  private async hangup(): Promise<void> {
    if (!this.callId) return;
    try {
      await this.deps.calls.hangup(this.callId);
    } catch (error) {
      this.logger.error(`session ${this.id}: hanging up call ${this.callId} failed: ${(error as Error).message}`);
      this.deps.hangupLater?.(this.callId);
    }
  }

  // ---- the sideband -------------------------------------------------------------------------

  private onSidebandEvent(event: SidebandEvent): void {
    switch (event.type) {
      case 'session.created':
      case 'session.updated':
        this.onSessionConfig(event.session, event.type === 'session.created');
        break;
      case 'response.created':
        this.tools.responseCreated();
        break;
      case 'response.output_item.done':
        this.tools.itemDone(String(event.response_id ?? ''), event.item);
        break;
      case 'response.done':
        this.onResponseDone(event.response);
        break;
      case 'conversation.item.input_audio_transcription.completed':
        this.onTranscription(event);
        break;
      case 'output_audio_buffer.started':
      case 'response.output_audio.delta':
      case 'response.output_audio_transcript.delta':
        this.spoke = true;
        break;
      case 'error':
        this.onUpstreamError(event.error);
        break;
      default:
        break;
    }
  }

  private onResponseDone(response: unknown): void {
    this.tools.responseDone(response);
    this.tripwire.sidebandResponseDone(response);
    const { id, usage, output } = (response ?? {}) as { id?: unknown; usage?: unknown; output?: unknown };
    if (Array.isArray(output) && output.some((item: { type?: unknown }) => item?.type === 'message')) this.spoke = true;
    if (typeof id === 'string' && usage && typeof usage === 'object') {
      void this.meter(() => this.deps.cost.recordResponseUsage(this.id, this.model, id, usage));
    }
  }

  private onTranscription(event: SidebandEvent): void {
    const itemId = event.item_id;
    if (typeof itemId !== 'string' || !event.usage || typeof event.usage !== 'object') return;
    const contentIndex = typeof event.content_index === 'number' ? event.content_index : 0;
    void this.meter(() => this.deps.cost.recordTranscriptionUsage(this.id, this.transcriptionModel, `${itemId}:${contentIndex}`, event.usage));
  }

  /** Hand usage to the cost module; act on its verdict while the session is live. */
  private async meter(record: () => Promise<MeterVerdict>): Promise<void> {
    let verdict: MeterVerdict;
    try {
      verdict = await record();
    } catch (error) {
      this.logger.error(`session ${this.id}: metering failed: ${(error as Error).message}`);
      return;
    }
    if (!this.live) return;
    this.client.send({ type: 'cost.updated', ...verdict.update }, true);
    if (verdict.end) this.deps.end(this.id, verdict.reason);
  }

  private onSessionConfig(session: unknown, created: boolean): void {
    const voice = (session as { audio?: { output?: { voice?: unknown } } } | undefined)?.audio?.output?.voice;
    if (this.pendingVoice && voice === this.pendingVoice.voice) {
      clearTimeout(this.pendingVoice.timer);
      this.pendingVoice = undefined;
      this.client.send({ type: 'voice.changed', voice });
    }
    // Whoever changed it (our update, or the browser's data channel), this is the voice now.
    if (typeof voice === 'string') this.voice = voice;
    if (!this.guard || this.state === 'ending' || this.state === 'ended') return;
    const drift = this.guard.drift(session);
    if (created && !this.baselineTaken) {
      // The first session.created shows OpenAI's form of our own config: no browser has the
      // answer SDP yet, so nobody else can have changed it. Accept any normalisation once.
      this.baselineTaken = true;
      if (drift.length) this.guard.acceptEcho(session, drift);
      return;
    }
    if (!drift.length) return;
    this.restores++;
    this.logger.warn(`session ${this.id}: session config changed by someone else (${drift.join(', ')}); restoring (${this.restores})`);
    if (this.restores > MAX_CONFIG_RESTORES) {
      this.deps.end(this.id, 'client');
      return;
    }
    this.link?.send(this.guard.restoreEvent(`ducke_restore_${this.restores}`));
  }

  private onUpstreamError(error: unknown): void {
    const { code, message, event_id: eventId } = (error ?? {}) as { code?: unknown; message?: unknown; event_id?: unknown };
    if (this.pendingVoice && (eventId === this.pendingVoice.eventId || code === 'cannot_update_voice')) {
      const { voice, timer } = this.pendingVoice;
      clearTimeout(timer);
      this.pendingVoice = undefined;
      if (code === 'cannot_update_voice') this.spoke = true;
      this.client.send(errorMessage('invalid_voice', code === 'cannot_update_voice' ? VOICE_LOCKED(voice) : `OpenAI refused the voice ${voice}.`));
      return;
    }
    this.logger.warn(`session ${this.id}: OpenAI reported ${String(code ?? 'an error')}: ${String(message ?? '').slice(0, 200)}`);
  }

  // ---- tools --------------------------------------------------------------------------------

  private runTool(name: string, argumentsJson: string): Promise<ToolOutcome> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ToolOutcome>((resolve) => {
      timer = setTimeout(
        () => resolve({ ok: false, outcome: 'upstream_error', output: JSON.stringify({ error: 'The tool took too long to answer.' }) }),
        this.timing.toolTimeoutMs,
      );
    });
    const run = this.deps.catalog.run(name, argumentsJson, {
      sessionId: this.id,
      identity: this.client.identity,
      requestId: this.id,
      signal: this.abort.signal,
      reportBackendUsage: (usage) => this.meter(() => this.deps.cost.recordBackendUsage(this.id, usage)),
    });
    return Promise.race([run, timeout]).finally(() => clearTimeout(timer));
  }
}
