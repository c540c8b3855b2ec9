import type { RealtimeClientEvent, RealtimeSessionCreateRequest } from 'openai/resources/realtime/realtime';
import type { TranscriptionUsage } from '../common/session-ports';
import { REALTIME_VOICES } from '../config/realtime.config';
import { priceEntryKey } from '../common/price-table';
import type { PriceBook } from '../cost/price-book';
import type { UsageMeter } from '../cost/usage-meter';
import type { CreatedCall, RealtimeCallsClient } from '../realtime/openai/realtime-calls.client';
import type { SidebandClient, SidebandConnection } from '../realtime/openai/sideband.client';
import { SessionConfigGuard, type SessionConfigFactory } from '../realtime/session-config/session-config.factory';
import { Connection, EventLog, LoggedEvent, responseIdOf, ServerEvent } from './event-log';
import { HeadlessPeer } from './headless-peer';
import type { EventCount, Finding, ResponseRecord, Verdict } from './probe-report';
import { ASSUMPTIONS, CALL_FINDINGS, FindingId, TRANSCRIBED, WATCHED_EVENTS } from './call-assumptions';
import { PROBE_RESPONSE_MAX_OUTPUT_TOKENS } from './spend-estimate';

// One real call, checked the way DUCK-E uses it: created from a WebRTC offer with the server's
// own session config (RealtimeCallsClient), watched over the sideband (SidebandClient), with a
// headless peer in the browser's place. Each step records what the API did against what the
// server assumes, and the call is always hung up at the end.

export interface CallProbeDeps {
  calls: RealtimeCallsClient;
  sideband: SidebandClient;
  configFactory: SessionConfigFactory;
  meter: UsageMeter;
  prices: PriceBook;
  openai: { baseUrl: string; apiKey?: string };
  /** REALTIME_VOICE: the voice the call starts with. */
  voice: string;
  timing?: Partial<CallProbeTiming>;
}

export interface CallProbeTiming {
  connectMs: number;
  responseMs: number;
  /** How long the other connection gets to show an event one connection already saw. */
  mirrorMs: number;
  voiceMs: number;
  transcriptionMs: number;
  hangupCloseMs: number;
}

const DEFAULT_TIMING: CallProbeTiming = { connectMs: 15_000, responseMs: 30_000, mirrorMs: 3_000, voiceMs: 5_000, transcriptionMs: 15_000, hangupCloseMs: 5_000 };

export interface CallProbeResult {
  findings: Finding[];
  events: EventCount[];
  responses: ResponseRecord[];
  hangups: Array<{ status: number | null; body: string }>;
  /** Input transcription metered on the sideband, at the transcription model's prices. */
  transcriptionUsd: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class CallProbe {
  private readonly timing: CallProbeTiming;
  private readonly log = new EventLog();
  private readonly findings = new Map<FindingId, Finding>();
  private readonly responses: ResponseRecord[] = [];
  private readonly hangups: CallProbeResult['hangups'] = [];
  private connection?: SidebandConnection;
  private sidebandClosed?: { code: number; at: number };
  private guard?: SessionConfigGuard;
  private model = '';
  private transcriptionUsd = 0;

  constructor(private readonly deps: CallProbeDeps) {
    this.timing = { ...DEFAULT_TIMING, ...deps.timing };
  }

  async run(): Promise<CallProbeResult> {
    const peer = await HeadlessPeer.create(this.log, isLoopback(this.deps.openai.baseUrl));
    let created: CreatedCall | undefined;
    try {
      created = await this.createCall(peer);
      if (created && (await this.attach(created.callId)) && (await this.connect(peer, created.answer))) await this.converse(peer);
    } finally {
      if (created) await this.hangUpTwice(created.callId);
      this.connection?.close();
      await peer.close();
    }
    return { findings: this.ordered(), events: this.eventCounts(), responses: this.responses, hangups: this.hangups, transcriptionUsd: this.transcriptionUsd };
  }

  // ---- setting up -------------------------------------------------------------------------

  private async createCall(peer: HeadlessPeer): Promise<CreatedCall | undefined> {
    const session = this.deps.configFactory.build(this.deps.voice, ['en']);
    this.model = this.deps.configFactory.model;
    this.guard = new SessionConfigGuard(session);
    try {
      const created = await this.deps.calls.create(await peer.offer(), session);
      this.record('call.create', '201, an SDP answer, the call id in Location', `created ${created.callId}`, 'pass');
      return created;
    } catch (error) {
      this.record('call.create', '201, an SDP answer, the call id in Location', (error as Error).message, 'fail');
      return undefined;
    }
  }

  private async attach(callId: string): Promise<boolean> {
    try {
      this.connection = await this.deps.sideband.attach(callId, {
        // The log keeps events as plain records: it reads fields the SDK types per event type.
        onEvent: (event) => this.log.add('sideband', event as unknown as ServerEvent),
        onMalformed: () => undefined,
        onClose: (code) => (this.sidebandClosed = { code, at: Date.now() }),
      });
      this.record('sideband.attach', 'the WebSocket opens', 'open', 'pass');
      return true;
    } catch (error) {
      this.record('sideband.attach', 'the WebSocket opens', (error as Error).message, 'fail');
      return false;
    }
  }

  private async connect(peer: HeadlessPeer, answer: string): Promise<boolean> {
    await peer.accept(answer);
    const connected = await peer.connected(this.timing.connectMs);
    this.record('call.media', `connected within ${this.timing.connectMs / 1000} s`, connected ? 'connected, data channel open' : `not connected (${peer.connectionState})`, connected ? 'pass' : 'fail');
    if (!connected) return false;
    const created = await this.log.waitFor(is('session.created', 'sideband'), this.timing.mirrorMs);
    this.record('sideband.session_created', 'session.created on the sideband', created ? 'received' : 'not received', created ? 'pass' : 'fail');
    if (created && this.guard) {
      const drift = this.guard.drift((created.event as { session?: RealtimeSessionCreateRequest }).session);
      this.record('session.config_echo', 'instructions, tools, max_output_tokens, truncation as sent', drift.length ? `normalised: ${drift.join(', ')} (accepted once by the server)` : 'as sent', 'info');
    }
    return true;
  }

  // ---- the conversation -------------------------------------------------------------------

  private async converse(peer: HeadlessPeer): Promise<void> {
    const [firstVoice, secondVoice] = REALTIME_VOICES.filter((voice) => voice !== this.deps.voice);
    await this.changeVoice('voice.before_audio', firstVoice, 'probe_voice_before');

    peer.capture(true);
    const server = await this.response('sideband', () => this.sendToSideband(this.responseCreate('probe_response_server')));
    // Keep the model's voice until its playback stopped, for the transcription check.
    if (server) await this.log.waitFor((l) => l.via === 'datachannel' && l.event.type === 'output_audio_buffer.stopped' && responseIdOf(l.event) === server, this.timing.responseMs);
    await sleep(500);
    peer.capture(false);
    await this.response('datachannel', () => peer.send(this.responseCreate('probe_response_browser')));
    this.judgeResponses();
    this.judgeAudioBuffer();

    await this.changeVoice('voice.after_audio', secondVoice, 'probe_voice_after');
    await this.transcription(peer);
    await this.browserError(peer);
    this.recordOtherResponses();
    const closedEarly = this.sidebandClosed;
    this.record(
      'sideband.stays_attached',
      'open until the hang-up',
      closedEarly ? `closed (${closedEarly.code}) before the hang-up` : 'open',
      closedEarly ? 'fail' : 'pass',
    );
  }

  private responseCreate(eventId: string): RealtimeClientEvent {
    return {
      type: 'response.create',
      event_id: eventId,
      response: { instructions: 'Say exactly: "Quack! The probe hears you." Nothing else.', max_output_tokens: PROBE_RESPONSE_MAX_OUTPUT_TOKENS },
    };
  }

  /** Start one response from `from` and follow it to response.done on both connections; its id. */
  private async response(from: Connection, start: () => void): Promise<string | undefined> {
    const since = this.log.entries.length;
    const after = (match: (logged: LoggedEvent) => boolean) => (logged: LoggedEvent) => this.log.entries.indexOf(logged) >= since && match(logged);
    start();
    const created = await this.log.waitFor(after(is('response.created', from === 'sideband' ? 'sideband' : 'datachannel')), this.timing.responseMs)
      ?? (await this.log.waitFor(after(is('response.created')), this.timing.mirrorMs));
    const id = created ? responseIdOf(created.event) : undefined;
    const record: ResponseRecord = { id: id ?? '(none)', startedBy: from, seenOnDatachannel: false, seenOnSideband: false };
    this.responses.push(record);
    if (!id) return undefined;
    const doneOn = (via: Connection) => (logged: LoggedEvent) => logged.via === via && logged.event.type === 'response.done' && responseIdOf(logged.event) === id;
    const first = await this.log.waitFor((logged) => doneOn('datachannel')(logged) || doneOn('sideband')(logged), this.timing.responseMs);
    if (first) await Promise.all([this.log.waitFor(doneOn('datachannel'), this.timing.mirrorMs), this.log.waitFor(doneOn('sideband'), this.timing.mirrorMs)]);
    const onSideband = this.log.find(doneOn('sideband'))[0];
    const onChannel = this.log.find(doneOn('datachannel'))[0];
    const response = ((onSideband ?? onChannel)?.event.response ?? {}) as { status?: string; usage?: unknown };
    record.seenOnSideband = Boolean(onSideband);
    record.seenOnDatachannel = Boolean(onChannel);
    record.status = response.status;
    record.usage = response.usage;
    if (response.usage && typeof response.usage === 'object') record.costUsd = this.deps.meter.priceResponse(this.model, response.usage).micro / 1_000_000;
    return id;
  }

  private judgeResponses(): void {
    for (const [from, id] of [['sideband', 'response.server_on_sideband'], ['datachannel', 'response.browser_on_sideband']] as const) {
      const record = this.responses.find((response) => response.startedBy === from);
      const expected = 'response.done with usage on the sideband';
      if (!record || record.id === '(none)') {
        this.record(id, expected, 'the response never started (no response.created)', 'unchecked');
      } else if (!record.seenOnSideband) {
        this.record(id, expected, record.seenOnDatachannel ? 'seen on the data channel only' : 'response.done seen on neither connection', 'fail');
      } else if (!record.usage) {
        this.record(id, expected, 'on the sideband, without usage', 'fail');
      } else {
        this.record(id, expected, `on the sideband (${record.status}), $${record.costUsd?.toFixed(6)}`, 'pass');
      }
    }
    const started = this.responses.filter((response) => response.id !== '(none)');
    const onChannel = started.filter((response) => response.seenOnDatachannel).length;
    if (!started.length) this.record('response.on_datachannel', 'response.done of both responses on the data channel', 'no response started', 'unchecked');
    else this.record('response.on_datachannel', 'response.done of both responses on the data channel', `${onChannel} of ${started.length}`, onChannel === started.length ? 'pass' : 'fail');
    const priced = this.responses.filter((response) => response.usage);
    const known = priceEntryKey(this.deps.prices.table, this.model) !== undefined;
    const detailed = priced.every((response) => {
      const usage = response.usage as { input_token_details?: unknown; output_token_details?: unknown };
      return typeof usage.input_token_details === 'object' && typeof usage.output_token_details === 'object';
    });
    if (!priced.length) this.record('usage.priceable', 'input/output token details; a known model', 'no usage to look at', 'unchecked');
    else {
      const problems = [...(known ? [] : [`${this.model} is not in the price book`]), ...(detailed ? [] : ['usage without token details'])];
      this.record('usage.priceable', 'input/output token details; a known model', problems.length ? problems.join('; ') : `${priced.length} usage(s) priced as ${this.model}`, problems.length ? 'fail' : 'pass');
    }
  }

  private judgeAudioBuffer(): void {
    const started = (via: Connection) => this.log.count('output_audio_buffer.started', via);
    const observed = `started: data channel ${started('datachannel')}, sideband ${started('sideband')}`;
    this.record('audio_buffer.on_sideband', 'on both connections (the server also learns of audio from transcripts)', observed, 'info');
  }

  /** session.update of the voice over the sideband, as VoiceSession.setVoice sends it. */
  private async changeVoice(id: 'voice.before_audio' | 'voice.after_audio', voice: string, eventId: string): Promise<void> {
    const since = this.log.entries.length;
    this.sendToSideband({ type: 'session.update', event_id: eventId, session: { type: 'realtime', audio: { output: { voice } } } });
    const answer = await this.log.waitFor(
      (logged) =>
        this.log.entries.indexOf(logged) >= since &&
        logged.via === 'sideband' &&
        ((logged.event.type === 'session.updated' && voiceOf(logged.event) === voice) || (logged.event.type === 'error' && errorOf(logged.event).event_id === eventId) || (logged.event.type === 'error' && errorOf(logged.event).code === 'cannot_update_voice')),
      this.timing.voiceMs,
    );
    const observed = !answer ? `no answer within ${this.timing.voiceMs / 1000} s` : answer.event.type === 'error' ? `error ${errorOf(answer.event).code ?? '(no code)'}` : `session.updated (${voice})`;
    if (id === 'voice.before_audio') {
      this.record(id, `session.updated with voice ${voice}`, observed, answer?.event.type === 'session.updated' ? 'pass' : 'fail');
      return;
    }
    const verdict: Verdict = !answer ? 'fail' : answer.event.type === 'error' ? 'pass' : 'info';
    this.record(id, 'error cannot_update_voice', answer?.event.type === 'session.updated' ? `${observed}: accepted (DUCK-E refuses it itself)` : observed, verdict);
  }

  private async transcription(peer: HeadlessPeer): Promise<void> {
    const expected = `${TRANSCRIBED} with usage on the sideband`;
    // The probe's "speech" must not start a response of its own.
    this.sendToSideband({ type: 'session.update', event_id: 'probe_no_auto_response', session: { type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', create_response: false, interrupt_response: false } } } } });
    await sleep(300);
    const frames = peer.capturedFrames;
    // Should voice activity start a response anyway, it is cancelled at once (it would cost).
    const since = this.log.entries.length;
    void this.log
      .waitFor((logged) => this.log.entries.indexOf(logged) >= since && logged.via === 'sideband' && logged.event.type === 'response.created', this.timing.transcriptionMs + 15_000)
      .then((created) => created && this.sendToSideband({ type: 'response.cancel', response_id: responseIdOf(created.event) }));
    await peer.replay();
    const first = await this.log.waitFor(is(TRANSCRIBED), this.timing.transcriptionMs);
    if (!first) {
      this.record('transcription.on_sideband', expected, `no transcription in this run (${frames} frames of the model's voice played back)`, 'unchecked');
      return;
    }
    await this.log.waitFor(is(TRANSCRIBED, first.via === 'sideband' ? 'datachannel' : 'sideband'), this.timing.mirrorMs);
    const onSideband = this.log.find(is(TRANSCRIBED, 'sideband'));
    const onChannel = this.log.count(TRANSCRIBED, 'datachannel');
    const withUsage = onSideband.filter((logged) => logged.event.usage && typeof logged.event.usage === 'object').length;
    for (const logged of onSideband) this.transcriptionUsd += this.deps.meter.priceTranscription(this.deps.configFactory.transcriptionModel, logged.event.usage as TranscriptionUsage).micro / 1_000_000;
    const observed = `data channel ${onChannel}, sideband ${onSideband.length} (${withUsage} with usage)`;
    this.record('transcription.on_sideband', expected, observed, onSideband.length >= onChannel && withUsage === onSideband.length && onSideband.length > 0 ? 'pass' : 'fail');
  }

  /** Responses the probe did not ask for (voice activity): listed and priced too. */
  private recordOtherResponses(): void {
    const known = new Set(this.responses.map((response) => response.id));
    for (const logged of this.log.find(is('response.done'))) {
      const id = responseIdOf(logged.event);
      if (!id || known.has(id)) continue;
      known.add(id);
      const sameId = (via: Connection) => this.log.find(is('response.done', via)).some((other) => responseIdOf(other.event) === id);
      const response = (logged.event.response ?? {}) as { status?: string; usage?: unknown };
      this.responses.push({
        id,
        startedBy: 'other',
        seenOnDatachannel: sameId('datachannel'),
        seenOnSideband: sameId('sideband'),
        status: response.status,
        usage: response.usage,
        costUsd: response.usage && typeof response.usage === 'object' ? this.deps.meter.priceResponse(this.model, response.usage).micro / 1_000_000 : undefined,
      });
    }
  }

  /** A client event OpenAI refuses, sent by the browser: does the sideband hear about it? */
  private async browserError(peer: HeadlessPeer): Promise<void> {
    peer.send({ type: 'session.update', event_id: 'probe_bad_update', session: {} });
    const seen = (via: Connection) => this.log.waitFor((logged) => logged.via === via && logged.event.type === 'error' && errorOf(logged.event).event_id === 'probe_bad_update', this.timing.mirrorMs);
    const [channel, sideband] = await Promise.all([seen('datachannel'), seen('sideband')]);
    this.record('error.browser_on_sideband', 'recorded only (the server does not rely on it)', `data channel ${channel ? 'yes' : 'no'}, sideband ${sideband ? 'yes' : 'no'}`, 'info');
  }

  // ---- the end ----------------------------------------------------------------------------

  /** POST …/hangup twice, as DUCK-E's kill switch and its retry would; statuses and bodies are kept. */
  private async hangUpTwice(callId: string): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const response = await fetch(`${this.deps.openai.baseUrl}/realtime/calls/${encodeURIComponent(callId)}/hangup`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${this.deps.openai.apiKey ?? ''}` },
          signal: AbortSignal.timeout(10_000),
          redirect: 'error',
        });
        this.hangups.push({ status: response.status, body: (await response.text().catch(() => '')).slice(0, 500) });
      } catch (error) {
        this.hangups.push({ status: null, body: `no answer: ${(error as Error).message}` });
      }
      if (attempt === 0 && this.connection) {
        const deadline = Date.now() + this.timing.hangupCloseMs;
        while (!this.sidebandClosed && Date.now() < deadline) await sleep(20);
      }
    }
    const [first, second] = this.hangups;
    const ok = first.status !== null && first.status >= 200 && first.status < 300;
    // The server takes a 2xx as the end of the call and closes its sideband itself; whether
    // OpenAI closes it too is shown, not judged.
    const sideband = !this.connection ? 'no sideband' : this.sidebandClosed ? `sideband closed (${this.sidebandClosed.code})` : `sideband still open after ${this.timing.hangupCloseMs / 1000} s`;
    this.record('hangup.first', '2xx', `${first.status ?? 'no answer'} ${first.body ? JSON.stringify(first.body) : '(empty body)'}; ${sideband}`, ok ? 'pass' : 'fail');
    const refusedAsEnded = second.status !== null && second.status >= 400 && second.status < 500 && ![401, 403, 429].includes(second.status);
    this.record('hangup.second', '4xx, not 401/403/429 (treated as already ended)', `${second.status ?? 'no answer'} ${second.body ? JSON.stringify(second.body) : '(empty body)'}`, refusedAsEnded ? 'pass' : 'fail');
  }

  private sendToSideband(event: RealtimeClientEvent): void {
    this.connection?.send(event);
  }

  private record(id: FindingId, expected: string, observed: string, verdict: Verdict): void {
    this.findings.set(id, { id, assumption: ASSUMPTIONS[id], expected, observed, verdict });
  }

  /** Every finding in order; a step that never ran is `unchecked`. */
  private ordered(): Finding[] {
    return CALL_FINDINGS.map(
      (id) => this.findings.get(id) ?? { id, assumption: ASSUMPTIONS[id], expected: '—', observed: 'not reached (an earlier step failed)', verdict: 'unchecked' as const },
    );
  }

  private eventCounts(): EventCount[] {
    const types = [...new Set([...WATCHED_EVENTS, ...this.log.entries.map((logged) => logged.event.type)])];
    return types.map((type) => ({ type, datachannel: this.log.count(type, 'datachannel'), sideband: this.log.count(type, 'sideband') }));
  }
}

const is = (type: string, via?: Connection) => (logged: LoggedEvent) => logged.event.type === type && (!via || logged.via === via);

function voiceOf(event: ServerEvent): unknown {
  return (event.session as { audio?: { output?: { voice?: unknown } } } | undefined)?.audio?.output?.voice;
}

function errorOf(event: ServerEvent): { code?: unknown; event_id?: unknown } {
  return (event.error ?? {}) as { code?: unknown; event_id?: unknown };
}

function isLoopback(baseUrl: string): boolean {
  const host = new URL(baseUrl).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}
