import { INestApplicationContext, Logger } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { Observable } from 'rxjs';
import type { WebSocket, WebSocketServer } from 'ws';
import { UpgradeGate } from './connection/upgrade-gate.service';
import { SESSION_PATH } from './session.gateway';

/**
 * Nest's WsAdapter for /session, with three changes:
 * - the upgrade is checked by UpgradeGate (`verifyClient`: a real HTTP 403/503 before any
 *   socket exists) — gateway options cannot reach DI, the adapter can;
 * - frames are not run through Nest's `{event, data}` parser: /session speaks `{type, ...}`
 *   and the connections service reads, limits and validates them itself;
 * - socket errors (a 1009 oversize frame, bad UTF-8) are a client's fault: logged quietly.
 * On shutdown the adapter still terminates every socket, after SessionsService has drained.
 */
export class SessionWsAdapter extends WsAdapter {
  private readonly quietLogger = new Logger('SessionWsAdapter');

  constructor(private readonly app: INestApplicationContext) {
    super(app);
  }

  override create(port: number, options: Record<string, unknown> & { path?: string } = {}): WebSocketServer {
    if (options.path === SESSION_PATH) {
      const gate = this.app.get(UpgradeGate, { strict: false });
      options = { ...options, verifyClient: gate.verifyClient };
    }
    return super.create(port, options) as WebSocketServer;
  }

  override bindMessageHandlers(client: WebSocket, handlers: MessageMappingProperties[], transform: (data: unknown) => Observable<unknown>): void {
    if (handlers.length) super.bindMessageHandlers(client, handlers, transform);
  }

  override bindErrorHandler(server: WebSocketServer): WebSocketServer {
    server.on('connection', (socket: WebSocket) => socket.on('error', (error) => this.quietLogger.debug(`socket error: ${error.message}`)));
    server.on('error', (error) => this.quietLogger.error(`WebSocket server error: ${error.message}`));
    return server;
  }
}
