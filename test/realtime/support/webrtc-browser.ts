import { RTCPeerConnection } from 'werift';
import type { RTCDataChannel } from 'werift';
import { waitFor } from '../../support/ports';

// A Node stand-in for the browser's WebRTC side (werift): an audio transceiver and the
// `oai-events` data channel, like the page creates. max-bundle keeps it to one ICE transport,
// so close() releases every UDP socket.

export class WebRtcBrowser {
  readonly pc = new RTCPeerConnection({
    bundlePolicy: 'max-bundle',
    iceServers: [],
    iceUseIpv6: false,
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    iceAdditionalHostAddresses: ['127.0.0.1'],
  });
  readonly channel: RTCDataChannel;
  /** Server events received on the data channel. */
  readonly events: Array<Record<string, unknown>> = [];

  constructor() {
    this.pc.addTransceiver('audio', { direction: 'sendrecv' });
    this.channel = this.pc.createDataChannel('oai-events');
    this.channel.onMessage.subscribe((data) => this.events.push(JSON.parse(data.toString()) as Record<string, unknown>));
  }

  /** A complete offer (all candidates gathered, as the page sends it). */
  async offer(): Promise<string> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    await waitFor(() => this.pc.iceGatheringState === 'complete', 5_000);
    return this.pc.localDescription!.sdp;
  }

  async accept(answer: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answer });
  }

  send(event: Record<string, unknown>): void {
    this.channel.send(JSON.stringify(event));
  }

  close(): Promise<void> {
    return this.pc.close();
  }
}
