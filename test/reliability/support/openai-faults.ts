import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { FakeOpenAI } from '../../fakes/openai/fake-openai.server';
import type { FakeRealtimeCall } from '../../fakes/openai/fake-realtime-call';
import type { FakeRealtime } from '../../fakes/openai/realtime.handler';

// Faults of the OpenAI Realtime API the fake can already play (create/attach/hang-up failures and
// delays, dropped sidebands, raw frames) plus the ones it cannot: a sideband that goes silent
// while its TCP connection stays up, and sideband attaches that are never answered. Installed
// from here, in front of the fake's own upgrade handler, so the fake itself stays unchanged.

export class OpenAiFaults {
  /** While true, sideband upgrades are accepted at TCP level and never answered. */
  hangAttaches = false;
  private readonly held = new Set<Duplex>();
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (protocols) => (protocols.has('realtime') ? 'realtime' : false) });

  constructor(
    fake: FakeOpenAI,
    private readonly realtime: FakeRealtime,
  ) {
    fake.onUpgrade('/v1/realtime', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (this.hangAttaches) {
        this.held.add(socket);
        socket.on('close', () => this.held.delete(socket));
        socket.on('error', () => undefined);
        return;
      }
      realtime.handleSidebandUpgrade(this.wss, req, socket, head);
    });
  }

  /**
   * The call's sideband goes silent: the fake stops sending it events and stops reading it (so
   * pings go unanswered), but never closes it — a hung upstream, not a dropped one.
   */
  silence(call: FakeRealtimeCall): void {
    for (const socket of [...call.sidebands]) {
      call.sidebands.delete(socket);
      (socket as unknown as { _socket: Socket })._socket.pause();
      this.silenced.add(socket);
    }
  }

  /** Release everything held or silenced (test teardown). */
  release(): void {
    this.hangAttaches = false;
    for (const socket of this.held) socket.destroy();
    this.held.clear();
    for (const socket of this.silenced) socket.terminate();
    this.silenced.clear();
  }

  private readonly silenced = new Set<WebSocket>();
}
