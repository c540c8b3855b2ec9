import type {
  RealtimeResponseUsage,
  RealtimeSessionCreateRequest,
  SessionUpdateEvent,
} from 'openai/resources/realtime/realtime';
import type { RTCDataChannel } from 'werift';
import { WebSocket } from 'ws';
import { BlindSideband } from './blind-sideband';
import { FakeVoiceActivity, voiceFrames } from './fake-voice';
import {
  ClientEvent,
  ClientEventOf,
  functionCallResponse,
  FunctionCallSpec,
  nextId,
  responseUsage,
  ServerEvent,
  serverEvent,
  spokenResponse,
  TranscriptionUsage,
  transcriptionUsage,
  UncheckedEvent,
} from './realtime-events';
import { validateSessionConfig } from './session-config.validator';
import type { WebRtcPeer } from './webrtc-answerer';

// One call on the fake Realtime API: the session the app created it with, every client event it
// received (from the server's sideband or the browser's data channel), its hang-ups, and a
// per-call event bus that mirrors every server event to every sideband socket and to the data
// channel, as OpenAI does. Tests script what the "model" does through its methods.

export interface ReceivedClientEvent {
  via: 'sideband' | 'datachannel';
  event: ClientEvent;
  at: number;
}

export interface SidebandAttach {
  authorization: string | undefined;
  url: string;
  at: number;
}

type Waiter = { match: (received: ReceivedClientEvent) => boolean; resolve: (received: ReceivedClientEvent) => void };

export class FakeRealtimeCall {
  readonly createdAt = Date.now();
  /** The effective session config (the create request's `session`, merged with every update). */
  session: RealtimeSessionCreateRequest;
  readonly received: ReceivedClientEvent[] = [];
  readonly attaches: SidebandAttach[] = [];
  /** Sideband attaches the fake refused on purpose (attachFailures / refuseAttach). */
  refusedAttaches = 0;
  /** Times a hang-up request arrived for this call. */
  readonly hangups: number[] = [];
  readonly sidebands = new Set<WebSocket>();
  ended = false;
  endedBy?: 'hangup' | 'openai';
  /** The model has produced audio: from now on the voice cannot change (as on the real API). */
  spoke = false;
  /** How the fake answers `response.create`; replace it to script a conversation. */
  onResponseCreate: (event: ClientEvent, call: FakeRealtimeCall) => void = (event) => {
    if (this.respondToCreate) this.speak('Quack! Here is what I found.');
    void event;
  };
  /** Answer response.create with a spoken response (the default). */
  respondToCreate = true;
  peer?: WebRtcPeer;
  channel?: RTCDataChannel;
  /** Set `blind.enabled` to keep browser-started responses from the sideband (blind-sideband.ts). */
  readonly blind = new BlindSideband();
  /** Set by FakeRealtime.voice: the model's speech travels as RTP and the microphone is "heard" (fake-voice.ts). */
  voiceActivity?: FakeVoiceActivity;
  private readonly waiters: Waiter[] = [];

  constructor(
    readonly id: string,
    readonly offer: string,
    readonly answer: string,
    session: RealtimeSessionCreateRequest,
    /** How the call was created: multipart (`sdp` + `session`) or a raw SDP body. */
    readonly createdWith: 'multipart' | 'sdp',
  ) {
    this.session = session;
  }

  /** Client events of one type, in order (optionally only from one path). */
  clientEvents(): ClientEvent[];
  clientEvents<T extends ClientEvent['type']>(type: T, via?: 'sideband' | 'datachannel'): Array<ClientEventOf<T>>;
  clientEvents(type?: string, via?: 'sideband' | 'datachannel'): ClientEvent[] {
    return this.received.filter((r) => (!type || r.event.type === type) && (!via || r.via === via)).map((r) => r.event);
  }

  /** Resolve when a client event matching `type` (and `predicate`) arrives — or has arrived, after index `from`. */
  waitForClientEvent<T extends ClientEvent['type']>(
    type: T,
    predicate: (event: ClientEventOf<T>) => boolean = () => true,
    timeoutMs = 5_000,
    from = 0,
  ): Promise<ClientEventOf<T>> {
    const match = (r: ReceivedClientEvent) => r.event.type === type && predicate(r.event as ClientEventOf<T>);
    const already = this.received.slice(from).find(match);
    if (already) return Promise.resolve(already.event as ClientEventOf<T>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no client event ${type} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r.event as ClientEventOf<T>);
        },
      });
    });
  }

  // ---- server → client ------------------------------------------------------------------------

  /** Send one server event to every sideband socket and the data channel. */
  emit(event: ServerEvent): void {
    this.emitUnchecked(event);
  }

  /** Send an event that is not checked against the SDK types (hostile tests: malformed on purpose). */
  emitUnchecked(event: ServerEvent | UncheckedEvent): void {
    if (this.ended) return;
    if (event.type === 'output_audio_buffer.started' || event.type === 'response.output_audio.delta') this.spoke = true;
    const text = JSON.stringify(event);
    if (!this.blind.hides(event)) for (const socket of this.sidebands) if (socket.readyState === WebSocket.OPEN) socket.send(text);
    if (this.channel?.readyState === 'open') this.channel.send(text);
  }

  emitAll(events: ServerEvent[]): void {
    for (const event of events) this.emit(event);
  }

  /** A frame that is not JSON, to the sidebands. */
  emitRaw(text: string): void {
    for (const socket of this.sidebands) if (socket.readyState === WebSocket.OPEN) socket.send(text);
  }

  /** The model calls one or more functions in one response; returns the call ids. */
  callFunctions(calls: FunctionCallSpec[], options: Parameters<typeof functionCallResponse>[1] = {}): { responseId: string; callIds: string[] } {
    const { responseId, items, events } = functionCallResponse(calls, options);
    this.emitAll(events);
    return { responseId, callIds: items.map((item) => item.call_id) };
  }

  /** The model speaks (audio + transcript) and reports usage. */
  speak(transcript: string, usage: RealtimeResponseUsage = responseUsage()): string {
    const { responseId, events } = spokenResponse(transcript, { usage });
    if (this.voiceActivity) this.peer?.sendVoice(voiceFrames(25));
    this.emitAll(events);
    return responseId;
  }

  /** A bare `response.done` carrying `usage` (for metering tests). */
  responseDone(usage: RealtimeResponseUsage, status: 'completed' | 'cancelled' | 'failed' | 'incomplete' = 'completed', responseId = nextId('resp')): string {
    this.emit(serverEvent('response.done', { response: { id: responseId, object: 'realtime.response', status, output: [], usage } }));
    return responseId;
  }

  /** The person spoke: input transcription completed with its usage. */
  transcriptionCompleted(usage: TranscriptionUsage = transcriptionUsage(), itemId = nextId('item'), transcript = 'What is the weather in Paris?'): string {
    this.emit(serverEvent('conversation.item.input_audio_transcription.completed', { item_id: itemId, content_index: 0, transcript, usage }));
    return itemId;
  }

  /** An `error` server event (not fatal on the real API). */
  error(message: string, code: string | null = null, eventId?: string, param: string | null = null): void {
    this.emit(serverEvent('error', { error: { type: 'invalid_request_error', code, message, param, event_id: eventId ?? null } }));
  }

  /** Someone else (the browser's data channel) changes the session. */
  updateSessionAsBrowser(session: Omit<RealtimeSessionCreateRequest, 'type'>): void {
    this.handleClientEvent('datachannel', { type: 'session.update', session: { type: 'realtime', ...session } });
  }

  // ---- connection lifecycle -------------------------------------------------------------------

  /** The sideband drops (network failure / proxy restart) while the call goes on. */
  dropSidebands(code?: number): void {
    for (const socket of this.sidebands) {
      if (code === undefined) socket.terminate();
      else socket.close(code, 'dropped by the fake');
    }
  }

  /** OpenAI ends the call itself (session limit, the browser left): sidebands close 1000. */
  endFromOpenAI(): void {
    this.finish('openai');
  }

  /** POST …/hangup arrived. */
  hangup(): void {
    this.hangups.push(Date.now());
    this.finish('hangup');
  }

  finish(by: 'hangup' | 'openai'): void {
    if (this.ended) return;
    this.ended = true;
    this.endedBy = by;
    this.voiceActivity?.stop();
    for (const socket of this.sidebands) socket.close(1000, 'call ended');
    void this.peer?.close();
  }

  attachSideband(socket: WebSocket, attach: SidebandAttach): void {
    this.attaches.push(attach);
    this.sidebands.add(socket);
    socket.on('close', () => this.sidebands.delete(socket));
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      this.handleClientText('sideband', data.toString());
    });
    socket.send(JSON.stringify(serverEvent('session.created', { session: this.session })));
  }

  attachChannel(channel: RTCDataChannel): void {
    this.channel = channel;
    channel.send(JSON.stringify(serverEvent('session.created', { session: this.session })));
  }

  handleClientText(via: 'sideband' | 'datachannel', text: string): void {
    let event: ClientEvent;
    try {
      event = JSON.parse(text) as ClientEvent;
    } catch {
      this.error("We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)", 'invalid_json');
      return;
    }
    this.handleClientEvent(via, event);
  }

  // ---- client → server ------------------------------------------------------------------------

  handleClientEvent(via: 'sideband' | 'datachannel', event: ClientEvent): void {
    const received = { via, event, at: Date.now() };
    this.received.push(received);
    for (const waiter of [...this.waiters]) {
      if (waiter.match(received)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(received);
      }
    }
    switch (event.type) {
      case 'session.update':
        this.applySessionUpdate(event);
        break;
      case 'conversation.item.create': {
        const item = { id: nextId('item'), object: 'realtime.item' as const, ...event.item };
        this.emit(serverEvent('conversation.item.added', { previous_item_id: null, item }));
        this.emit(serverEvent('conversation.item.done', { previous_item_id: null, item }));
        break;
      }
      case 'response.create':
        this.blind.requested(via);
        this.onResponseCreate(event, this);
        break;
      case 'response.cancel':
        this.emit(
          serverEvent('response.done', {
            response: {
              id: nextId('resp'),
              object: 'realtime.response',
              status: 'cancelled',
              status_details: { type: 'cancelled', reason: 'client_cancelled' },
              output: [],
              usage: responseUsage({ textOut: 0, audioOut: 0 }),
            },
          }),
        );
        break;
      default:
        break;
    }
  }

  private applySessionUpdate(event: SessionUpdateEvent): void {
    // What arrives on the wire is whatever the client sent, typed or not: check it as the API does.
    const problem = validateSessionConfig(event.session as unknown);
    if (problem) {
      this.error(problem.message, problem.code, event.event_id, problem.param);
      return;
    }
    if (event.session.type !== 'realtime') return;
    const update = event.session;
    const voice = update.audio?.output?.voice;
    const current = this.session.audio?.output?.voice;
    if (voice !== undefined && voice !== current && this.spoke) {
      this.error("Cannot update a conversation's voice if assistant audio is present.", 'cannot_update_voice', event.event_id, 'session.audio.output.voice');
      return;
    }
    this.session = deepMerge(this.session as unknown as Record<string, unknown>, update as unknown as Record<string, unknown>) as unknown as RealtimeSessionCreateRequest;
    this.emit(serverEvent('session.updated', { session: this.session }));
  }
}

/** Objects merge field by field; arrays and scalars replace (session.update semantics). */
function deepMerge(base: Record<string, unknown>, update: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(update)) {
    const previous = merged[key];
    merged[key] =
      value && typeof value === 'object' && !Array.isArray(value) && previous && typeof previous === 'object' && !Array.isArray(previous)
        ? deepMerge(previous as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return merged;
}
