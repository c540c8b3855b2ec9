import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Logger } from '@nestjs/common';
import { WebSocket } from 'ws';
import type { AuthenticatedUser, ClientIdentity, MessageBucket } from '../../common/session-ports';
import { SESSION_WIRE_LIMITS } from '../../common/session-wire';
import { CloseCode } from '../protocol/close-codes';
import { InboundMessage, parseInboundMessage } from '../protocol/inbound-message.parser';
import { errorMessage, ServerMessage } from '../protocol/server-messages';
import type { SessionClient, VoiceSession } from '../session/voice-session';

export interface ConnectionLimits {
  /** Messages dropped (over RATE_LIMIT_SESSION_MESSAGES) within one second that make it a flood: the socket is closed 1008. */
  floodDrops: number;
  /** Outbound: droppable messages (cost.updated) are skipped above this many buffered bytes… */
  softBufferedBytes: number;
  /** …and a browser with more than this unread is not reading: closed 1013. */
  hardBufferedBytes: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  floodDrops: SESSION_WIRE_LIMITS.floodDropsPerSecond,
  softBufferedBytes: SESSION_WIRE_LIMITS.softBufferedBytes,
  hardBufferedBytes: SESSION_WIRE_LIMITS.hardBufferedBytes,
};

export interface ConnectionOptions {
  limits?: ConnectionLimits;
  logger?: Logger;
  /** Monotonic ms (tests move it by hand). */
  now?: () => number;
}

/** Messages that arrive while the connection gate is still deciding are kept (a few). */
const MAX_EARLY_MESSAGES = 4;

/**
 * One browser socket on /session: the transport rules, whatever the session does. Inbound
 * frames are rate limited (the rate-limit module's MessageBucket) before they are even parsed, then validated (bad input gets an
 * `error` and the connection lives on); outbound messages respect backpressure; timers (idle,
 * kill) belong to the connection and die with it.
 */
export class ClientConnection implements SessionClient {
  readonly id = randomUUID();
  session?: VoiceSession;
  /** With auth on: whose token opened this connection (set by the gate before any limit counts). */
  user?: AuthenticatedUser;
  /** The upgrade request, until the connect phase of the lifecycle is over. */
  request?: IncomingMessage;
  /** Answered the last heartbeat ping. */
  alive = true;
  private sink?: (message: InboundMessage) => void;
  private readonly early: InboundMessage[] = [];
  private dropWindowStart = 0;
  private dropsInWindow = 0;
  private lastThrottleNotice = -Infinity;
  private readonly limits: ConnectionLimits;
  private readonly logger: Logger;
  private readonly now: () => number;
  private idleTimer?: NodeJS.Timeout;
  private killTimer?: NodeJS.Timeout;

  constructor(
    private readonly socket: WebSocket,
    readonly identity: ClientIdentity,
    readonly languages: string[],
    private readonly bucket: MessageBucket,
    options: ConnectionOptions = {},
  ) {
    this.limits = options.limits ?? DEFAULT_CONNECTION_LIMITS;
    this.logger = options.logger ?? new Logger(ClientConnection.name);
    this.now = options.now ?? (() => performance.now());
    socket.on('message', (data, isBinary) => this.receive(data as Buffer, isBinary));
    socket.on('pong', () => (this.alive = true));
    // ws reports protocol violations (1009 oversize, bad UTF-8) here, then closes the socket.
    socket.on('error', (error) => this.logger.debug(`connection ${this.id}: ${error.message}`));
    socket.once('close', () => this.dispose());
  }

  /** The token was verified: limits count per `sub` as well as per address from now on. */
  signIn(user: AuthenticatedUser): void {
    this.user = user;
    this.identity.userKey = user.sub;
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** The gate admitted the connection: deliver messages (and any that came early) to `sink`. */
  admit(sink: (message: InboundMessage) => void): void {
    this.sink = sink;
    for (const message of this.early.splice(0)) sink(message);
  }

  send(message: ServerMessage, droppable = false): boolean {
    if (!this.open) return false;
    const text = JSON.stringify(message);
    const buffered = this.socket.bufferedAmount;
    if (buffered + text.length > this.limits.hardBufferedBytes) {
      this.logger.warn(`connection ${this.id}: browser is not reading (${buffered} bytes unread); closing`);
      this.close(CloseCode.TryAgainLater, 'not reading');
      return false;
    }
    if (droppable && buffered > this.limits.softBufferedBytes) return false;
    this.socket.send(text);
    return true;
  }

  /** Close with a code; a peer that never completes the close handshake is cut off. */
  close(code: number, reason: string): void {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    if (this.socket.readyState !== WebSocket.CLOSING) this.socket.close(code, reason.slice(0, 120));
    this.killTimer ??= setTimeout(() => this.socket.terminate(), 2_000);
    this.killTimer.unref();
  }

  terminate(): void {
    this.socket.terminate();
  }

  /** Heartbeat tick: false (and terminated) when the last ping went unanswered. */
  ping(): boolean {
    if (!this.alive) {
      this.socket.terminate();
      return false;
    }
    this.alive = false;
    if (this.socket.readyState === WebSocket.OPEN) this.socket.ping();
    return true;
  }

  startIdleTimer(ms: number, onIdle: () => void): void {
    this.idleTimer = setTimeout(onIdle, ms);
    this.idleTimer.unref();
  }

  clearIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private dispose(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.killTimer);
    this.sink = undefined;
    this.early.length = 0;
  }

  private receive(data: Buffer, isBinary: boolean): void {
    if (!this.bucket.take()) return this.throttled();
    const result = parseInboundMessage(data, isBinary);
    if (!result.ok) {
      this.send(errorMessage(result.code, result.message));
      return;
    }
    if (this.sink) this.sink(result.message);
    else if (this.early.length < MAX_EARLY_MESSAGES) this.early.push(result.message);
  }

  /** Over the message rate: drop (without parsing), say so once a second, close a flood. */
  private throttled(): void {
    const now = this.now();
    if (now - this.dropWindowStart > 1_000) {
      this.dropWindowStart = now;
      this.dropsInWindow = 0;
    }
    if (++this.dropsInWindow > this.limits.floodDrops) {
      if (this.socket.readyState === WebSocket.OPEN) {
        this.logger.warn(`connection ${this.id}: message flood; closing`);
        this.close(CloseCode.Policy, 'message flood');
      }
      return;
    }
    if (now - this.lastThrottleNotice >= 1_000) {
      this.lastThrottleNotice = now;
      this.send(errorMessage('rate_limited', 'Too many messages; slow down.', 1));
    }
  }
}
