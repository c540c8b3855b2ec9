import { USAGE_REPORT_INTERVAL_MS } from '../../../src/common/session-wire';
import { UsageTally } from '../meter/usage-tally';
import { CONNECTION_PROBLEMS, Explanation, explainEnd, explainError, explainMicrophone } from '../notices/explanations';
import type { ServerMessage, SessionLimits } from '../protocol/session-messages';
import { SessionSocket, SocketClosedError } from '../protocol/session-socket';
import { MicrophoneError, openMicrophone } from '../rtc/microphone';
import { RealtimeEvent, VoiceLink } from '../rtc/voice-link';
import type { CallState } from '../status/call-status-view';
import { TimeoutError } from '../timeout';

// One conversation from Connect to its end: microphone → /session socket → WebRTC offer in
// `session.start` → answer from `session.started` → data channel open → live. Every step has a
// deadline, every failure ends in a plain-words explanation and a clean teardown (microphone
// off, socket closed, peer closed), and the server is told `session.stop` whenever a call may
// exist upstream.

export interface Deadlines {
  microphoneMs: number;
  socketOpenMs: number;
  sessionStartMs: number;
  audioOpenMs: number;
  stopAckMs: number;
  /** After the audio drops, how long the server gets to say why (session.ended) before the page says "dropped". */
  dropExplainMs: number;
  /** How often the page tells the server what its data channel metered (usage.seen). */
  usageReportMs: number;
}

export const DEADLINES: Deadlines = {
  // Bounds a permission prompt nobody answers, not the person's thinking time.
  microphoneMs: 60_000,
  socketOpenMs: 10_000,
  sessionStartMs: 20_000,
  audioOpenMs: 15_000,
  stopAckMs: 3_000,
  dropExplainMs: 1_500,
  usageReportMs: USAGE_REPORT_INTERVAL_MS,
};

/** What the conversation tells the page; main.ts connects these to the views. */
export interface CallUi {
  state(state: CallState, detail?: string): void;
  /** The call has a microphone track (mute/push-to-talk apply to it), or no longer has one. */
  microphone(track: MediaStreamTrack | undefined): void;
  started(info: { voice: string; model: string; limits: SessionLimits }): void;
  message(message: ServerMessage): void;
  realtimeEvent(event: RealtimeEvent): void;
  problem(explanation: Explanation, options?: { loginUrl?: string }): void;
  clearProblem(): void;
  autoplayBlocked(): void;
  /** The call is over: clocks stop. `reason` is the server's session.ended reason, when it gave one. */
  finished(reason?: string): void;
}

type Live = {
  socket: SessionSocket;
  link?: VoiceLink;
  limits?: SessionLimits;
  dropTimer?: ReturnType<typeof setTimeout>;
  /** response.done events seen on the data channel, reported to the server as usage.seen. */
  usage: UsageTally;
  usageTimer?: ReturnType<typeof setInterval>;
};

const isStartReply = (m: ServerMessage): m is Extract<ServerMessage, { type: 'session.started' | 'error' | 'session.ended' }> =>
  m.type === 'session.started' || m.type === 'session.ended' || (m.type === 'error' && m.code !== 'invalid_voice' && m.code !== 'already_started');

const isEnded = (m: ServerMessage): m is Extract<ServerMessage, { type: 'session.ended' }> => m.type === 'session.ended';

export class Conversation {
  private live?: Live;
  private callState: CallState = 'ready';

  constructor(
    private readonly ui: CallUi,
    private readonly audio: HTMLAudioElement,
    private readonly socketUrl: string,
    private readonly deadlines: Deadlines = DEADLINES,
  ) {}

  get state(): CallState {
    return this.callState;
  }

  get busy(): boolean {
    return this.live !== undefined;
  }

  /** Connect. Call from the click handler itself: the audio element is unlocked synchronously. */
  start(voice: string | undefined): void {
    if (this.live) return;
    VoiceLink.unlockAudio(this.audio);
    void this.connect(voice);
  }

  /** The person hangs up (or cancels while connecting). */
  stop(): void {
    const live = this.live;
    if (!live) return;
    const wasLive = this.callState === 'listening' || this.callState === 'speaking';
    this.teardown(live, wasLive ? 'ended' : 'ready');
    if (wasLive) this.ui.problem(explainEnd('client'));
    else this.ui.clearProblem();
  }

  /** Ask for another voice during the call (before session.started the pick waits for it). */
  setVoice(voice: string): void {
    if (this.live?.limits) this.live.socket.send({ type: 'voice.set', voice });
  }

  /** The page is going away: end the call without waiting. */
  leave(): void {
    if (this.live) this.teardown(this.live, 'ready');
  }

  private async connect(voice: string | undefined): Promise<void> {
    const socket = new SessionSocket();
    const live: Live = { socket, usage: new UsageTally() };
    this.live = live;
    const current = () => this.live === live;
    this.ui.clearProblem();
    this.setState('connecting', 'Asking for your microphone…');
    try {
      const track = await openMicrophone(this.deadlines.microphoneMs);
      if (!current()) return track.stop();
      this.ui.microphone(track);
      live.link = new VoiceLink(track, this.audio, {
        onEvent: (event) => this.onRealtimeEvent(live, event),
        onDrop: () => this.audioDropped(live),
        onAutoplayBlocked: () => this.ui.autoplayBlocked(),
      });

      // The offer is ready before the socket opens: a refusal sent on connect must find the
      // reply waiter already in place (it is registered in the same task as the open event).
      const offer = await live.link.createOffer();
      if (!current()) return;

      this.setState('connecting', 'Reaching DUCK-E…');
      socket.onMessage = (message) => this.onServerMessage(live, message);
      socket.onClose = (closed) => {
        if (current() && closed.unexpected && live.limits) this.fail(live, CONNECTION_PROBLEMS.socketLost);
      };
      try {
        await socket.open(this.socketUrl, this.deadlines.socketOpenMs);
      } catch {
        if (current()) this.fail(live, CONNECTION_PROBLEMS.unreachable);
        return;
      }
      if (!current()) return;
      const reply = socket.waitFor(isStartReply, this.deadlines.sessionStartMs, 'starting the conversation');
      this.setState('connecting', 'Starting the conversation…');
      socket.send({ type: 'session.start', sdp: offer, ...(voice ? { voice } : {}) });
      const answer = await reply;
      if (!current()) return;
      // A refusal: no call exists upstream and the server closes the socket itself.
      if (answer.type === 'error') return this.fail(live, explainError(answer.code, answer.retryAfterSec, answer.message), answer.loginUrl, false);
      if (answer.type === 'session.ended') return this.fail(live, explainEnd(answer.reason), undefined, false);

      live.limits = answer.limits;
      live.usageTimer = setInterval(() => this.reportUsage(live), this.deadlines.usageReportMs);
      this.ui.started({ voice: answer.voice, model: answer.model, limits: answer.limits });
      this.setState('connecting', 'Connecting the audio…');
      await live.link.acceptAnswer(answer.sdp);
      await live.link.waitUntilOpen(this.deadlines.audioOpenMs);
      if (!current()) return;
      this.setState('listening');
    } catch (error) {
      if (current()) this.fail(live, this.explainFailure(error));
    }
  }

  private explainFailure(error: unknown): Explanation {
    if (error instanceof MicrophoneError) return explainMicrophone(error.problem);
    if (error instanceof SocketClosedError) return CONNECTION_PROBLEMS.socketLost;
    if (error instanceof TimeoutError) return error.what === 'setting up the audio' ? CONNECTION_PROBLEMS.audioSetup : CONNECTION_PROBLEMS.noAnswer;
    return CONNECTION_PROBLEMS.audioSetup;
  }

  private onServerMessage(live: Live, message: ServerMessage): void {
    if (this.live !== live) return;
    if (message.type === 'session.ended') {
      // Only a call that started ends here; a refusal before that is handled by connect().
      if (live.limits) this.fail(live, explainEnd(message.reason, live.limits), undefined, false, message.reason);
      return;
    }
    // Errors during a call (a refused voice, a bad message) leave the call running.
    if (message.type === 'error' && live.limits) this.ui.problem(explainError(message.code, message.retryAfterSec, message.message), { loginUrl: message.loginUrl });
    this.ui.message(message);
  }

  private onRealtimeEvent(live: Live, event: RealtimeEvent): void {
    if (this.live !== live) return;
    const inCall = this.callState === 'listening' || this.callState === 'speaking';
    if (inCall) {
      if (event.type === 'output_audio_buffer.started') this.setState('speaking');
      else if (event.type === 'output_audio_buffer.stopped' || event.type === 'output_audio_buffer.cleared') this.setState('listening');
      else if (event.type === 'input_audio_buffer.speech_started' && this.callState === 'speaking') this.setState('listening');
    }
    live.usage.see(event);
    this.ui.realtimeEvent(event);
  }

  private reportUsage(live: Live, final = false): void {
    const report = live.usage.report(final);
    if (report) live.socket.send(report);
  }

  /**
   * The audio went away. When the server hangs up (budget, time, breaker) the peer closes at the
   * same moment its `session.ended` is on the way: wait briefly for that better explanation.
   */
  private audioDropped(live: Live): void {
    if (this.live !== live || live.dropTimer) return;
    if (!live.socket.isOpen) return this.fail(live, CONNECTION_PROBLEMS.audioLost);
    live.dropTimer = setTimeout(() => this.fail(live, CONNECTION_PROBLEMS.audioLost), this.deadlines.dropExplainMs);
  }

  /**
   * End the attempt or the call with an explanation. `tellServer` is false when the server
   * already ended or refused it.
   */
  private fail(live: Live, explanation: Explanation, loginUrl?: string, tellServer = true, endReason?: string): void {
    if (this.live !== live) return;
    const hadCall = live.limits !== undefined;
    this.teardown(live, hadCall ? 'ended' : 'ready', tellServer, endReason);
    this.ui.problem(explanation, { loginUrl });
  }

  private teardown(live: Live, next: CallState, tellServer = true, endReason?: string): void {
    this.live = undefined;
    clearTimeout(live.dropTimer);
    clearInterval(live.usageTimer);
    // The last count goes before session.stop, so the server compares it with everything metered.
    if (live.limits && live.socket.isOpen) this.reportUsage(live, true);
    live.link?.close();
    this.ui.microphone(undefined);
    this.ui.finished(endReason);
    const { socket } = live;
    if (tellServer && socket.isOpen) {
      // Tell the server to hang up upstream, then close once it confirms (or after a moment).
      const sent = socket.send({ type: 'session.stop' });
      if (sent) {
        void socket
          .waitFor(isEnded, this.deadlines.stopAckMs, 'stopping')
          .catch(() => undefined)
          .finally(() => socket.close());
      } else socket.close();
    } else socket.close();
    this.setState(next);
  }

  private setState(state: CallState, detail?: string): void {
    this.callState = state;
    this.ui.state(state, detail);
  }
}
