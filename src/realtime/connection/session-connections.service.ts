import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { MESSAGE_LIMITER, type MessageLimiter } from '../../common/session-ports';
import { realtimeConfig } from '../../config/realtime.config';
import { ClientIdentityService } from '../../security/client-identity.service';
import { CloseCode, closeCodeForRefusal } from '../protocol/close-codes';
import type { InboundMessage } from '../protocol/inbound-message.parser';
import { refusalMessage } from '../protocol/server-messages';
import { preferredLanguages } from '../session-config/accept-language';
import { SessionLifecycle } from '../session/session-lifecycle.service';
import { SessionsService } from '../session/sessions.service';
import { ClientConnection, DEFAULT_CONNECTION_LIMITS } from './client-connection';
import { ConnectionMetrics } from './connection.metrics';

/**
 * Every open /session socket: the lifecycle's connect phase, the idle timeout before `session.start`,
 * the heartbeat that drops dead peers, and routing of validated messages to the sessions.
 */
@Injectable()
export class SessionConnectionsService implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(SessionConnectionsService.name);
  private readonly connections = new Set<ClientConnection>();
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly identity: ClientIdentityService,
    private readonly lifecycle: SessionLifecycle,
    private readonly sessions: SessionsService,
    private readonly metrics: ConnectionMetrics,
    @Inject(realtimeConfig.KEY) private readonly config: ConfigType<typeof realtimeConfig>,
    @Inject(MESSAGE_LIMITER) private readonly messages: MessageLimiter,
  ) {}

  get openCount(): number {
    return this.connections.size;
  }

  onApplicationBootstrap(): void {
    // One timer for every socket (the ws README pattern): a peer that missed the last ping is
    // terminated on the next tick, so a dead one is gone within two intervals.
    this.heartbeat = setInterval(() => {
      for (const connection of this.connections) connection.ping();
    }, this.config.heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
  }

  /** Connections without a session are simply closed on shutdown (sessions drain themselves). */
  beforeApplicationShutdown(): void {
    for (const connection of this.connections) {
      if (!connection.session) connection.close(CloseCode.TryAgainLater, 'server restarting');
    }
  }

  accept(socket: WebSocket, req: IncomingMessage): void {
    const connection = new ClientConnection(
      socket,
      this.identity.of(req),
      preferredLanguages(req.headers['accept-language']),
      this.messages.forConnection(),
      { limits: DEFAULT_CONNECTION_LIMITS },
    );
    this.connections.add(connection);
    this.metrics.connectionOpened();
    socket.once('close', () => {
      this.connections.delete(connection);
      this.metrics.connectionClosed();
      // A browser that leaves does not end its call at OpenAI by itself: we hang up.
      if (connection.session) void this.sessions.end(connection.session.id, 'client');
    });
    void this.admit(connection, req);
  }

  /** The connect phase of the lifecycle (auth → connect limit → OpenAI key); Origin was checked at the upgrade. */
  private async admit(connection: ClientConnection, req: IncomingMessage): Promise<void> {
    connection.request = req;
    const decision = await this.lifecycle.admit('connect', connection);
    connection.request = undefined;
    if (!connection.open) return;
    if (!decision.admitted) {
      this.metrics.refused(decision.code);
      connection.send(refusalMessage(decision));
      connection.close(closeCodeForRefusal(decision.code), decision.code);
      return;
    }
    connection.startIdleTimer(this.config.idleTimeoutMs, () => {
      if (!connection.session) connection.close(CloseCode.Policy, 'no session.start in time');
    });
    connection.admit((message) => this.route(connection, message));
  }

  private route(connection: ClientConnection, message: InboundMessage): void {
    switch (message.type) {
      case 'session.start':
        connection.clearIdleTimer();
        this.sessions.start(connection, message.sdp, message.voice).catch((error: unknown) => {
          this.logger.error(`session start crashed: ${(error as Error)?.stack ?? String(error)}`);
          connection.close(CloseCode.ServerFault, 'server fault');
        });
        break;
      case 'voice.set':
        this.sessions.setVoice(connection, message.voice);
        break;
      case 'usage.seen':
        this.sessions.usageSeen(connection, message);
        break;
      case 'session.stop':
        if (connection.session) void this.sessions.end(connection.session.id, 'client');
        else connection.close(CloseCode.Normal, 'stopped');
        break;
    }
  }
}
