import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RealtimeSessionCreateRequest } from 'openai/resources/realtime/realtime';
import type { ErrorObject } from 'openai/resources/shared';
import { WebSocketServer } from 'ws';
import { FakeOpenAI, RecordedRequest, sendError } from './fake-openai.server';
import { FakeRealtimeCall } from './fake-realtime-call';
import { FakeVoiceActivity } from './fake-voice';
import { InvalidRequest, validateSessionConfig } from './session-config.validator';
import { answerWithWerift, isWebRtcOffer } from './webrtc-answerer';

// The Realtime API on the fake:
//   POST /v1/realtime/calls                 multipart `sdp` + `session`, or a raw application/sdp
//                                           body → 201, answer SDP, Location: /v1/realtime/calls/rtc_…
//   POST /v1/realtime/calls/{id}/hangup     → 200; closes the call's sidebands and peer
//   WSS  /v1/realtime?call_id=…             the sideband: Bearer key checked, 404
//                                           call_id_not_found for unknown or ended calls
// A real WebRTC offer is answered by werift (ICE-lite on 127.0.0.1, the `oai-events` channel);
// a synthetic offer gets a canned answer, so protocol tests and benchmarks stay light.

export interface InstallRealtimeOptions {
  /** 'auto' (default): werift for a real WebRTC offer, canned otherwise. */
  answer?: 'auto' | 'werift' | 'canned';
  /** Start with the blind-sideband mode on (see `blindSideband`). */
  blindSideband?: boolean;
  /** Start with `voice` on. */
  voice?: boolean;
}

export interface CreateFailure {
  status: number;
  message?: string;
  code?: string;
  type?: string;
}

export const CANNED_ANSWER = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=ice-lite',
  'a=mid:0',
  'a=sendrecv',
  'a=rtpmap:111 opus/48000/2',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  'a=mid:1',
  'a=sctp-port:5000',
  '',
].join('\r\n');

export class FakeRealtime {
  readonly calls = new Map<string, FakeRealtimeCall>();
  /** The next create requests fail with these, in order. */
  readonly createFailures: CreateFailure[] = [];
  /** Delay before answering a create request (a slow or hung upstream). */
  createDelayMs = 0;
  /** The next sideband attaches are refused with these HTTP statuses, in order. */
  readonly attachFailures: number[] = [];
  /** While set, every sideband attach is refused with this status. */
  refuseAttach?: number;
  /** Hang-up requests refused with this status while set (the call stays up). */
  refuseHangup?: number;
  /** Delay before answering a hang-up (a slow upstream during a drain). */
  hangupDelayMs = 0;
  /** Calls created while set never show their sidebands the responses the browser starts (blind-sideband.ts). */
  blindSideband: boolean;
  /** werift calls created while set send the model's voice as RTP and hear the microphone (fake-voice.ts). */
  voice: boolean;
  /** Session configs refused at create (unknown fields), for tests to assert on. */
  readonly refusedSessions: InvalidRequest[] = [];
  private readonly callWaiters: Array<(call: FakeRealtimeCall) => void> = [];

  constructor(
    readonly fake: FakeOpenAI,
    private readonly options: InstallRealtimeOptions,
  ) {
    this.blindSideband = options.blindSideband ?? false;
    this.voice = options.voice ?? false;
  }

  /** Calls in creation order. */
  get callList(): FakeRealtimeCall[] {
    return [...this.calls.values()];
  }

  get lastCall(): FakeRealtimeCall | undefined {
    return this.callList.at(-1);
  }

  /** Hang-up requests received, for any call. */
  get hangupCount(): number {
    return this.callList.reduce((sum, call) => sum + call.hangups.length, 0);
  }

  /** Resolve with the n-th call (1-based) once it exists. */
  waitForCall(n = this.calls.size + 1, timeoutMs = 5_000): Promise<FakeRealtimeCall> {
    const existing = this.callList[n - 1];
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`call #${n} was not created within ${timeoutMs} ms`)), timeoutMs);
      const check = () => {
        const call = this.callList[n - 1];
        if (!call) return this.callWaiters.push(check);
        clearTimeout(timer);
        resolve(call);
      };
      this.callWaiters.push(check);
    });
  }

  /** Resolve once `call` has at least one open sideband (attach count ≥ `attaches`). */
  async waitForSideband(call: FakeRealtimeCall, attaches = 1, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(call.attaches.length >= attaches && call.sidebands.size > 0)) {
      if (Date.now() > deadline) throw new Error(`call ${call.id} has no sideband (${call.attaches.length} attaches)`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async handleCreate(request: RecordedRequest, res: import('node:http').ServerResponse): Promise<void> {
    if (this.createDelayMs) await new Promise((resolve) => setTimeout(resolve, this.createDelayMs));
    const failure = this.createFailures.shift();
    if (failure) {
      sendError(res, failure.status, failure.message ?? `fake failure ${failure.status}`, failure.code ?? null, failure.type ?? (failure.status >= 500 ? 'server_error' : 'invalid_request_error'));
      return;
    }
    const contentType = String(request.headers['content-type'] ?? '');
    let offer: string;
    let session: unknown = { type: 'realtime' };
    let createdWith: 'multipart' | 'sdp';
    if (contentType.startsWith('multipart/form-data')) {
      const form = await new Response(request.body, { headers: { 'content-type': contentType } }).formData();
      const sdp = form.get('sdp');
      const sessionText = form.get('session');
      offer = typeof sdp === 'string' ? sdp : sdp ? await sdp.text() : '';
      const sessionJson = typeof sessionText === 'string' ? sessionText : sessionText ? await sessionText.text() : '{}';
      try {
        session = JSON.parse(sessionJson) as unknown;
      } catch {
        sendError(res, 400, "Invalid 'session': expected a JSON object.", 'invalid_value');
        return;
      }
      createdWith = 'multipart';
    } else if (contentType.startsWith('application/sdp')) {
      offer = request.body.toString();
      createdWith = 'sdp';
    } else {
      sendError(res, 400, 'Unsupported content type; send application/sdp or multipart/form-data.', 'invalid_request');
      return;
    }
    if (!offer.startsWith('v=0')) {
      sendError(res, 400, 'Invalid SDP offer.', 'invalid_offer');
      return;
    }
    if (createdWith === 'multipart') {
      const problem = validateSessionConfig(session);
      if (problem) {
        this.refusedSessions.push(problem);
        sendError(res, 400, problem.message, problem.code, problem.type, problem.param);
        return;
      }
      if ((session as { type?: unknown }).type !== 'realtime') {
        sendError(res, 400, "Invalid value for 'session.type': expected 'realtime'.", 'invalid_value', 'invalid_request_error', 'session.type');
        return;
      }
    }

    const id = `rtc_${randomBytes(16).toString('hex')}`;
    const useWerift = this.options.answer === 'werift' || (this.options.answer !== 'canned' && isWebRtcOffer(offer));
    let call: FakeRealtimeCall;
    if (useWerift) {
      const holder: { call?: FakeRealtimeCall } = {};
      const peer = await answerWithWerift(offer, {
        onChannelOpen: (channel) => holder.call?.attachChannel(channel),
        onChannelMessage: (text) => holder.call?.handleClientText('datachannel', text),
        onClosed: () => holder.call?.finish('openai'),
        onMicrophone: (payload) => holder.call?.voiceActivity?.heard(payload),
      }, { voice: this.voice });
      call = new FakeRealtimeCall(id, offer, peer.answer, session as RealtimeSessionCreateRequest, createdWith);
      call.peer = peer;
      if (this.voice) call.voiceActivity = new FakeVoiceActivity((event) => call.emit(event));
      holder.call = call;
    } else {
      call = new FakeRealtimeCall(id, offer, CANNED_ANSWER, session as RealtimeSessionCreateRequest, createdWith);
    }
    call.blind.enabled = this.blindSideband;
    this.calls.set(id, call);
    for (const waiter of this.callWaiters.splice(0)) waiter(call);
    res.writeHead(201, { 'Content-Type': 'application/sdp', Location: `/v1/realtime/calls/${id}` });
    res.end(call.answer);
  }

  async handleHangup(request: RecordedRequest, res: import('node:http').ServerResponse): Promise<void> {
    if (this.hangupDelayMs) await new Promise((resolve) => setTimeout(resolve, this.hangupDelayMs));
    const id = decodeURIComponent(/^\/v1\/realtime\/calls\/([^/]+)\/hangup$/.exec(request.path)?.[1] ?? '');
    const call = this.calls.get(id);
    if (this.refuseHangup) {
      call?.hangups.push(Date.now());
      sendError(res, this.refuseHangup, 'fake hang-up failure', null, 'server_error');
      return;
    }
    if (!call || call.ended) {
      call?.hangups.push(Date.now());
      sendError(res, 404, 'No session found for the provided call_id', 'call_id_not_found');
      return;
    }
    call.hangup();
    res.writeHead(200);
    res.end();
  }

  handleSidebandUpgrade(wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'https://fake');
    const refuse = (status: number, code: string, message: string) => {
      const error: ErrorObject = { type: 'invalid_request_error', code, message, param: null };
      const body = JSON.stringify({ error });
      socket.end(`HTTP/1.1 ${status} Refused\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    };
    if (!this.fake.isAuthorized(req.headers)) return refuse(401, 'invalid_api_key', 'Incorrect API key provided.');
    const callId = url.searchParams.get('call_id');
    const call = callId ? this.calls.get(callId) : undefined;
    const failure = this.attachFailures.shift() ?? this.refuseAttach;
    if (failure) {
      if (call) call.refusedAttaches++;
      return refuse(failure, 'server_error', 'fake attach failure');
    }
    if (!call || call.ended) return refuse(404, 'call_id_not_found', 'No session found for the provided call_id');
    wss.handleUpgrade(req, socket, head, (ws) => call.attachSideband(ws, { authorization: req.headers.authorization, url: req.url ?? '', at: Date.now() }));
  }

  /** End every call and close every peer (test teardown). */
  async closeAll(): Promise<void> {
    for (const call of this.calls.values()) call.finish('openai');
    await Promise.all([...this.calls.values()].map((call) => call.peer?.close()));
  }
}

/** Add the Realtime API to a FakeOpenAI. */
export function installRealtime(fake: FakeOpenAI, options: InstallRealtimeOptions = {}): FakeRealtime {
  const realtime = new FakeRealtime(fake, options);
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    // The real API speaks the `realtime` subprotocol when a client offers it.
    handleProtocols: (protocols) => (protocols.has('realtime') ? 'realtime' : false),
  });
  fake.route('POST', '/v1/realtime/calls', (request, res) => realtime.handleCreate(request, res));
  fake.route('POST', /^\/v1\/realtime\/calls\/[^/]+\/hangup$/, (request, res) => realtime.handleHangup(request, res));
  fake.onUpgrade('/v1/realtime', (req, socket, head) => realtime.handleSidebandUpgrade(wss, req, socket, head));
  return realtime;
}
