import { setTimeout as sleep } from 'node:timers/promises';
import type { RealtimeSessionCreateRequest } from 'openai/resources/realtime/realtime';
import { REALTIME_VOICES } from '../config/realtime.config';
import type { PriceBook } from '../cost/price-book';
import type { UsageMeter } from '../cost/usage-meter';
import type { CreatedCall, RealtimeCallsClient } from '../realtime/openai/realtime-calls.client';
import type { SidebandClient } from '../realtime/openai/sideband.client';
import { SessionConfigGuard, type SessionConfigFactory } from '../realtime/session-config/session-config.factory';
import { WATCHED_EVENTS } from './call-assumptions';
import { type CallContext, type CallProbeTiming, DEFAULT_TIMING } from './call-context';
import { CallFindings } from './call-findings';
import { EventLog, isEvent, responseIdOf } from './event-log';
import { hangUpTwice } from './hangup-check';
import { HeadlessPeer } from './headless-peer';
import type { EventCount, Finding, HangupRecord, ResponseRecord } from './probe-report';
import { ProbeSideband } from './probe-sideband';
import { ResponseChecks } from './response-checks';
import { checkBrowserError, checkVoiceChange } from './session-update-checks';
import { checkTranscription } from './transcription-check';

export type { CallProbeTiming } from './call-context';

// One real call, checked the way DUCK-E uses it: created from a WebRTC offer with the server's
// own session config (RealtimeCallsClient), watched over the sideband (SidebandClient), with a
// headless peer in the browser's place. Each step records what the API did against what the
// server assumes, and the call is always hung up at the end. This file runs the steps in order;
// the checks of each step group live in their own files.

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

export interface CallProbeResult {
  findings: Finding[];
  events: EventCount[];
  responses: ResponseRecord[];
  hangups: HangupRecord[];
  /** Input transcription metered on the sideband, at the transcription model's prices. */
  transcriptionUsd: number;
}

export class CallProbe {
  private readonly log = new EventLog();
  private readonly findings = new CallFindings();
  private readonly sideband: ProbeSideband;
  private readonly timing: CallProbeTiming;
  /** What the step groups share: built once from the fields above. */
  private readonly call: CallContext;
  private readonly responses: ResponseChecks;
  private hangups: HangupRecord[] = [];
  private guard?: SessionConfigGuard;
  private transcriptionUsd = 0;

  constructor(private readonly deps: CallProbeDeps) {
    this.timing = { ...DEFAULT_TIMING, ...deps.timing };
    this.sideband = new ProbeSideband(deps.sideband, this.log);
    this.call = { log: this.log, findings: this.findings, sideband: this.sideband, timing: this.timing };
    this.responses = new ResponseChecks(this.call, { meter: deps.meter, prices: deps.prices, model: deps.configFactory.model });
  }

  async run(): Promise<CallProbeResult> {
    const peer = await HeadlessPeer.create(this.log, isLoopback(this.deps.openai.baseUrl));
    let created: CreatedCall | undefined;
    try {
      created = await this.createCall(peer);
      if (created && (await this.attach(created.callId)) && (await this.connect(peer, created.answer))) await this.converse(peer);
    } finally {
      if (created) this.hangups = await hangUpTwice(this.call, this.deps.openai, created.callId);
      this.sideband.close();
      await peer.close();
    }
    return { findings: this.findings.ordered(), events: this.eventCounts(), responses: this.responses.records, hangups: this.hangups, transcriptionUsd: this.transcriptionUsd };
  }

  // ---- setting up -------------------------------------------------------------------------

  private async createCall(peer: HeadlessPeer): Promise<CreatedCall | undefined> {
    const session = this.deps.configFactory.build(this.deps.voice, ['en']);
    this.guard = new SessionConfigGuard(session);
    try {
      const created = await this.deps.calls.create(await peer.offer(), session);
      this.findings.record('call.create', '201, an SDP answer, the call id in Location', `created ${created.callId}`, 'pass');
      return created;
    } catch (error) {
      this.findings.record('call.create', '201, an SDP answer, the call id in Location', (error as Error).message, 'fail');
      return undefined;
    }
  }

  private async attach(callId: string): Promise<boolean> {
    try {
      await this.sideband.attach(callId);
      this.findings.record('sideband.attach', 'the WebSocket opens', 'open', 'pass');
      return true;
    } catch (error) {
      this.findings.record('sideband.attach', 'the WebSocket opens', (error as Error).message, 'fail');
      return false;
    }
  }

  private async connect(peer: HeadlessPeer, answer: string): Promise<boolean> {
    await peer.accept(answer);
    const connected = await peer.connected(this.timing.connectMs);
    this.findings.record('call.media', `connected within ${this.timing.connectMs / 1000} s`, connected ? 'connected, data channel open' : `not connected (${peer.connectionState})`, connected ? 'pass' : 'fail');
    if (!connected) return false;
    const created = await this.log.waitFor(isEvent('session.created', 'sideband'), this.timing.mirrorMs);
    this.findings.record('sideband.session_created', 'session.created on the sideband', created ? 'received' : 'not received', created ? 'pass' : 'fail');
    if (created && this.guard) {
      const drift = this.guard.drift((created.event as { session?: RealtimeSessionCreateRequest }).session);
      this.findings.record('session.config_echo', 'instructions, tools, max_output_tokens, truncation as sent', drift.length ? `normalised: ${drift.join(', ')} (accepted once by the server)` : 'as sent', 'info');
    }
    return true;
  }

  // ---- the conversation -------------------------------------------------------------------

  private async converse(peer: HeadlessPeer): Promise<void> {
    const [firstVoice, secondVoice] = REALTIME_VOICES.filter((voice) => voice !== this.deps.voice);
    await checkVoiceChange(this.call, 'voice.before_audio', firstVoice, 'probe_voice_before');

    peer.capture(true);
    const server = await this.responses.follow('sideband', () => this.sideband.send(ResponseChecks.request('probe_response_server')));
    // Keep the model's voice until its playback stopped, for the transcription check.
    if (server) await this.log.waitFor((l) => l.via === 'datachannel' && l.event.type === 'output_audio_buffer.stopped' && responseIdOf(l.event) === server, this.timing.responseMs);
    await sleep(500);
    peer.capture(false);
    await this.responses.follow('datachannel', () => peer.send(ResponseChecks.request('probe_response_browser')));
    this.responses.judge();
    this.responses.judgeAudioBuffer();

    await checkVoiceChange(this.call, 'voice.after_audio', secondVoice, 'probe_voice_after');
    this.transcriptionUsd = await checkTranscription(this.call, peer, { meter: this.deps.meter, transcriptionModel: this.deps.configFactory.transcriptionModel });
    await checkBrowserError(this.call, peer);
    this.responses.recordOthers();
    const closedEarly = this.sideband.closed;
    this.findings.record(
      'sideband.stays_attached',
      'open until the hang-up',
      closedEarly ? `closed (${closedEarly.code}) before the hang-up` : 'open',
      closedEarly ? 'fail' : 'pass',
    );
  }

  private eventCounts(): EventCount[] {
    const types = [...new Set([...WATCHED_EVENTS, ...this.log.entries.map((logged) => logged.event.type)])];
    return types.map((type) => ({ type, datachannel: this.log.count(type, 'datachannel'), sideband: this.log.count(type, 'sideband') }));
  }
}

function isLoopback(baseUrl: string): boolean {
  const host = new URL(baseUrl).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}
