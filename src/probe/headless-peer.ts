import { setTimeout as sleep } from 'node:timers/promises';
import type { MediaStreamTrack as WeriftTrack, RTCDataChannel, RTCPeerConnection } from 'werift';
import type { EventLog, ServerEvent } from './event-log';

// The probe's stand-in for the browser: a werift peer that offers what the page offers (one
// sendrecv audio track and the `oai-events` data channel), completes ICE and DTLS with OpenAI's
// media edge, and logs every data-channel event. It has no microphone: to make OpenAI transcribe
// something it plays the model's own first answer back as its "speech" (Opus packets as
// received, re-timed), followed by silence so voice activity detection closes the turn.
//
// werift is a development dependency: the probe runs from a checkout (`npm ci`), not from the
// production image, so it is loaded only when a probe starts.

/** Opus "silence" frame (20 ms, CELT, as browsers send while muted). */
const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);
const FRAME_MS = 20;
/** 20 ms at Opus's 48 kHz RTP clock. */
const FRAME_TICKS = 960;
/** Keep at most this much of the model's voice for the replay. */
const MAX_CAPTURED_FRAMES = 500;

export class ProbeSetupError extends Error {}

type Werift = typeof import('werift');

async function loadWerift(): Promise<Werift> {
  try {
    return await import('werift');
  } catch {
    throw new ProbeSetupError('werift is not installed. The probe runs from a checkout with development dependencies (npm ci), not from the production image.');
  }
}

export class HeadlessPeer {
  private readonly captured: Buffer[] = [];
  private capturing = false;
  private readonly replayTimers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly werift: Werift,
    private readonly pc: RTCPeerConnection,
    private readonly channel: RTCDataChannel,
    private readonly microphone: WeriftTrack,
  ) {}

  /** A peer like the page's; `loopback` keeps ICE on 127.0.0.1 (a local fake of OpenAI). */
  static async create(log: EventLog, loopback: boolean): Promise<HeadlessPeer> {
    const werift = await loadWerift();
    const pc = new werift.RTCPeerConnection({
      bundlePolicy: 'max-bundle',
      // No STUN or TURN server, like the page's `new RTCPeerConnection()`: host candidates only.
      iceServers: [],
      iceUseIpv6: false,
      ...(loopback ? { iceInterfaceAddresses: { udp4: '127.0.0.1' }, iceAdditionalHostAddresses: ['127.0.0.1'] } : {}),
    });
    const microphone = new werift.MediaStreamTrack({ kind: 'audio' });
    pc.addTransceiver(microphone, { direction: 'sendrecv' });
    const channel = pc.createDataChannel('oai-events');
    const peer = new HeadlessPeer(werift, pc, channel, microphone);
    channel.onMessage.subscribe((data) => {
      const event = parseEvent(data.toString());
      if (event) log.add('datachannel', event);
    });
    pc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp) => {
        if (peer.capturing && peer.captured.length < MAX_CAPTURED_FRAMES && rtp.payload.length > OPUS_SILENCE.length) peer.captured.push(Buffer.from(rtp.payload));
      });
    });
    return peer;
  }

  /** The complete offer, every local candidate gathered (no trickle on this path, as in the page). */
  async offer(timeoutMs = 5_000): Promise<string> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    const deadline = Date.now() + timeoutMs;
    while (this.pc.iceGatheringState !== 'complete' && Date.now() < deadline) await sleep(20);
    return this.pc.localDescription?.sdp ?? '';
  }

  async accept(answer: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answer });
  }

  /** True once ICE connected and the data channel opened within `timeoutMs`. */
  async connected(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.pc.connectionState === 'connected' && this.channel.readyState === 'open') return true;
      if (this.pc.connectionState === 'failed' || this.pc.connectionState === 'closed') return false;
      await sleep(20);
    }
    return false;
  }

  get connectionState(): string {
    return this.pc.connectionState;
  }

  /** Any client event, also ones OpenAI refuses (the probe sends one on purpose). */
  send(event: object): void {
    this.channel.send(JSON.stringify(event));
  }

  /** Keep the model's voice (the received Opus packets) while `on`. */
  capture(on: boolean): void {
    this.capturing = on;
  }

  get capturedFrames(): number {
    return this.captured.length;
  }

  /** Play the captured voice back as the microphone, then `silenceMs` of silence; resolves when done. */
  replay(silenceMs = 1_500): Promise<void> {
    const frames = [...this.captured, ...Array.from({ length: Math.ceil(silenceMs / FRAME_MS) }, () => OPUS_SILENCE)];
    let sequenceNumber = Math.floor(Math.random() * 0xffff);
    let timestamp = Math.floor(Math.random() * 0xffffffff);
    let index = 0;
    return new Promise((resolve) => {
      const timer = setInterval(() => {
        const payload = frames[index];
        if (!payload) {
          clearInterval(timer);
          this.replayTimers.delete(timer);
          resolve();
          return;
        }
        const header = new this.werift.RtpHeader({ payloadType: 111, sequenceNumber, timestamp, marker: index === 0 });
        this.microphone.writeRtp(new this.werift.RtpPacket(header, payload));
        sequenceNumber = (sequenceNumber + 1) & 0xffff;
        timestamp = (timestamp + FRAME_TICKS) >>> 0;
        index++;
      }, FRAME_MS);
      this.replayTimers.add(timer);
    });
  }

  async close(): Promise<void> {
    for (const timer of this.replayTimers) clearInterval(timer);
    this.replayTimers.clear();
    await this.pc.close().catch(() => undefined);
  }
}

function parseEvent(text: string): ServerEvent | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && typeof (value as ServerEvent).type === 'string') return value as ServerEvent;
  } catch {
    // not an event
  }
  return undefined;
}

