import { RTCPeerConnection } from 'werift';
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
  close(): Promise<void>;
}

export interface WebRtcPeerHandlers {
  /** The `oai-events` channel opened. */
  onChannelOpen(channel: RTCDataChannel): void;
  /** A text message arrived on the channel. */
  onChannelMessage(text: string): void;
  /** The peer connection ended (closed by the browser, failed, or by us). */
  onClosed(): void;
}

/** The session name (`s=`) of the tests' synthetic offers: browser-shaped, but no peer behind them. */
export const SYNTHETIC_OFFER_NAME = 'ducke-synthetic-offer';

/** True when the offer is a real WebRTC offer (ICE credentials and a DTLS fingerprint, not marked synthetic). */
export function isWebRtcOffer(sdp: string): boolean {
  return /^a=ice-ufrag:/m.test(sdp) && /^a=fingerprint:/m.test(sdp) && /^m=/m.test(sdp) && !new RegExp(`^s=${SYNTHETIC_OFFER_NAME}\\r?$`, 'm').test(sdp);
}

export async function answerWithWerift(offer: string, handlers: WebRtcPeerHandlers): Promise<WebRtcPeer> {
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
  pc.onTrack.subscribe((track) => {
    track.onReceiveRtp.subscribe(() => micPackets++);
    const audio = pc.getTransceivers().find((transceiver) => transceiver.kind === 'audio');
    audio?.sender.replaceTrack(track);
  });
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
    close: async () => {
      await pc.close().catch(() => undefined);
      closeOnce();
    },
  };
}
