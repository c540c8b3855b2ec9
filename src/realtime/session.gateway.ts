import { OnGatewayConnection, WebSocketGateway } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { SESSION_WIRE_LIMITS } from '../common/session-wire';
import { SessionConnectionsService } from './connection/session-connections.service';

export const SESSION_PATH = '/session';
/** A larger frame closes the socket with 1009. */
export const MAX_FRAME_BYTES = SESSION_WIRE_LIMITS.maxFrameBytes;

/**
 * `/session`: one WebSocket per conversation, raw JSON text frames `{type, ...}` (docs/protocol.md).
 * The gateway only hands each socket over; SessionWsAdapter checks the upgrade, the
 * connections service reads the frames, the sessions service runs the conversation.
 */
@WebSocketGateway({
  path: SESSION_PATH,
  maxPayload: MAX_FRAME_BYTES,
  // Compression leaks secrets (CRIME/BREACH-style) and costs memory per socket.
  perMessageDeflate: false,
})
export class SessionGateway implements OnGatewayConnection {
  constructor(private readonly connections: SessionConnectionsService) {}

  handleConnection(socket: WebSocket, req: IncomingMessage): void {
    this.connections.accept(socket, req);
  }
}
