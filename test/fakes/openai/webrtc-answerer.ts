import { MediaStreamTrack, RTCPeerConnection, RtpHeader, RtpPacket } from 'werift';
import type { RTCDataChannel } from 'werift';

// The fake's WebRTC side: a werift peer that answers a real browser (or Node) offer the way
// OpenAI's media edge does — ICE-lite, host candidates on loopback, DTLS-SRTP audio and the
// `oai-events` data channel. It echoes the microphone back as the "model voice" and counts the
// RTP packets it receives, so browser tests can check media flows both ways.

export interface WebRtcPeer {
  answer: string;
  /** RTP packets received on the microphone track. */
  readonly micPackets: number;
  readonly connectionState: string;
  /** With `voice`: send these payloads as the model's audio, one 20 ms RTP frame each. */
  sendVoice(payloads: Buffer[]): void;
  close(): Promise<void>;
}

export interface WebRtcPeerHandlers {
  /** The `oai-events` channel opened. */
  onChannelOpen(channel: RTCDataChannel): void;
  /** A text message arrived on the channel. */
  onChannelMessage(text: string): void;
  /** The peer connection ended (closed by the browser, failed, or by us). */
  onClosed(): void;
  /** With `voice`: one RTP payload of the browser's microphone. */
  onMicrophone?(payload: Buffer): void;
}

export interface WebRtcPeerOptions {
  /** Send the model's "voice" (sendVoice) instead of echoing the microphone. */
  voice?: boolean;
}

/** The session name (`s=`) of the tests' synthetic offers: browser-shaped, but no peer behind them. */
export const SYNTHETIC_OFFER_NAME = 'ducke-synthetic-offer';

/** True when the offer is a real WebRTC offer (ICE credentials and a DTLS fingerprint, not marked synthetic). */
export function isWebRtcOffer(sdp: string): boolean {
  return /^a=ice-ufrag:/m.test(sdp) && /^a=fingerprint:/m.test(sdp) && /^m=/m.test(sdp) && !new RegExp(`^s=${SYNTHETIC_OFFER_NAME}\\r?$`, 'm').test(sdp);
}

export async function answerWithWerift(offer: string, handlers: WebRtcPeerHandlers, options: WebRtcPeerOptions = {}): Promise<WebRtcPeer> {
  const pc = new RTCPeerConnection({
    iceLite: true,
    iceServers: [],
    iceUseIpv6: false,
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    iceAdditionalHostAddresses: ['127.0.0.1'],
  });
  let micPackets = 0;
  let closed = false;
  const closeOnce = () => {
    if (closed) return;
    closed = true;
    handlers.onClosed();
  };

  pc.onDataChannel.subscribe((channel) => {
    if (channel.label !== 'oai-events') return;
    channel.stateChanged.subscribe((state) => {
      if (state === 'open') handlers.onChannelOpen(channel);
    });
    channel.onMessage.subscribe((data) => handlers.onChannelMessage(data.toString()));
  });
  const voice = options.voice ? new MediaStreamTrack({ kind: 'audio' }) : undefined;
  pc.onTrack.subscribe((track) => {
    track.onReceiveRtp.subscribe((rtp) => {
      micPackets++;
      handlers.onMicrophone?.(rtp.payload);
    });
    const audio = pc.getTransceivers().find((transceiver) => transceiver.kind === 'audio');
    void audio?.sender.replaceTrack(voice ?? track);
  });
  let sequenceNumber = 1;
  let timestamp = 960;
  pc.connectionStateChange.subscribe((state) => {
    if (state === 'closed' || state === 'failed' || state === 'disconnected') closeOnce();
  });

  await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  for (const transceiver of pc.getTransceivers()) {
    if (transceiver.kind === 'audio') transceiver.setDirection('sendrecv');
  }
  await pc.setLocalDescription(await pc.createAnswer());
  return {
    answer: pc.localDescription?.sdp ?? '',
    get micPackets() {
      return micPackets;
    },
    get connectionState() {
      return pc.connectionState;
    },
    sendVoice: (payloads) => {
      for (const payload of payloads) {
        voice?.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 111, sequenceNumber, timestamp }), payload));
        sequenceNumber = (sequenceNumber + 1) & 0xffff;
        timestamp += 960;
      }
    },
    close: async () => {
      await pc.close().catch(() => undefined);
      closeOnce();
    },
  };
}
