import { withTimeout } from '../timeout';

// The audio path to the model: one RTCPeerConnection carrying the microphone up and DUCK-E's
// voice down, plus the `oai-events` data channel on which OpenAI streams what is said
// (transcripts, speaking started/stopped). The offer and answer travel over /session; this
// class never talks to the network itself.

/** A server event from the data channel (OpenAI Realtime, GA names). */
export type RealtimeEvent = { type: string; [field: string]: unknown };

export interface VoiceLinkHandlers {
  onEvent(event: RealtimeEvent): void;
  /** The link was up and went away (peer closed, ICE failed, data channel closed). */
  onDrop(): void;
  /** The browser refused to play DUCK-E's voice without another tap. */
  onAutoplayBlocked(): void;
}

/** How long "disconnected" may last before the call counts as dropped (it often recovers). */
const DISCONNECTED_GRACE_MS = 5_000;
/** The longest we wait for local ICE candidates before sending the offer with what we have. */
const GATHERING_MS = 2_000;

export class VoiceLink {
  private readonly pc = new RTCPeerConnection();
  private readonly channel: RTCDataChannel;
  private closed = false;
  private up = false;
  private graceTimer?: ReturnType<typeof setTimeout>;

  constructor(
    micTrack: MediaStreamTrack,
    private readonly audio: HTMLAudioElement,
    private readonly handlers: VoiceLinkHandlers,
  ) {
    this.pc.addTrack(micTrack, new MediaStream([micTrack]));
    this.channel = this.pc.createDataChannel('oai-events');
    this.channel.addEventListener('message', (event: MessageEvent) => this.receive(event.data));
    this.channel.addEventListener('close', () => this.drop());
    this.pc.addEventListener('track', (event: RTCTrackEvent) => this.playRemote(event));
    this.pc.addEventListener('connectionstatechange', () => this.watchConnection());
  }

  /**
   * Called synchronously inside the Connect click: a play() started by the gesture lets mobile
   * Safari play the remote voice later, when it arrives.
   */
  static unlockAudio(audio: HTMLAudioElement): void {
    audio.srcObject = new MediaStream();
    audio.play().catch(() => undefined);
  }

  /** The local offer, with the ICE candidates gathered so far (no trickle on this path). */
  async createOffer(): Promise<string> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    await this.gathered().catch(() => undefined);
    return this.pc.localDescription?.sdp ?? '';
  }

  async acceptAnswer(sdp: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp });
  }

  /** Resolves when the data channel is open (media and events flow); rejects after `timeoutMs`. */
  waitUntilOpen(timeoutMs: number): Promise<void> {
    const open = new Promise<void>((resolve, reject) => {
      if (this.channel.readyState === 'open') return resolve();
      this.channel.addEventListener('open', () => resolve(), { once: true });
      this.channel.addEventListener('close', () => reject(new Error('the data channel closed before opening')), { once: true });
      this.pc.addEventListener('connectionstatechange', () => {
        if (this.pc.connectionState === 'failed') reject(new Error('the audio connection failed'));
      });
    });
    return withTimeout(open, timeoutMs, 'setting up the audio').then(() => {
      this.up = true;
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.graceTimer);
    this.channel.close();
    for (const sender of this.pc.getSenders()) sender.track?.stop();
    this.pc.close();
    this.audio.srcObject = null;
  }

  private gathered(): Promise<void> {
    const done = new Promise<void>((resolve) => {
      if (this.pc.iceGatheringState === 'complete') return resolve();
      this.pc.addEventListener('icegatheringstatechange', () => {
        if (this.pc.iceGatheringState === 'complete') resolve();
      });
    });
    return withTimeout(done, GATHERING_MS, 'gathering network candidates');
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch {
      return;
    }
    if (event && typeof event === 'object' && typeof (event as RealtimeEvent).type === 'string') this.handlers.onEvent(event as RealtimeEvent);
  }

  private playRemote(event: RTCTrackEvent): void {
    if (event.track.kind !== 'audio') return;
    this.audio.srcObject = event.streams[0] ?? new MediaStream([event.track]);
    this.audio.play().catch((error: unknown) => {
      if ((error as { name?: string }).name === 'NotAllowedError') this.handlers.onAutoplayBlocked();
    });
  }

  private watchConnection(): void {
    const state = this.pc.connectionState;
    clearTimeout(this.graceTimer);
    if (state === 'failed' || state === 'closed') this.drop();
    else if (state === 'disconnected') this.graceTimer = setTimeout(() => this.drop(), DISCONNECTED_GRACE_MS);
  }

  private drop(): void {
    if (this.closed || !this.up) return;
    this.handlers.onDrop();
  }
}
