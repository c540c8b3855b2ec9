import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { IncomingMessage } from 'node:http';
import type { RealtimeClientEvent, RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import { WebSocket } from 'ws';
import { openaiConfig } from '../../config/openai.config';
import { realtimeConfig } from '../../config/realtime.config';

export interface SidebandListener {
  /**
   * A server event, typed as the SDK declares it. It is parsed JSON from the network: only its
   * `type` was checked, so handlers still read fields defensively (and unknown types are ignored).
   */
  onEvent(event: RealtimeServerEvent): void;
  /** A frame that is not a JSON object with a `type` (counted, never fatal). */
  onMalformed(): void;
  /** The socket closed (by OpenAI, the network, or us). Called once. */
  onClose(code: number): void;
}

/** Why attaching failed. `callGone`: OpenAI does not know the call (404) — it has ended. */
export class SidebandAttachError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly callGone: boolean,
  ) {
    super(message);
    this.name = 'SidebandAttachError';
  }
}

const ATTACH_TIMEOUT_MS = 5_000;
// Server events are small JSON (no audio on a WebRTC call's sideband), but a session.updated
// carries the whole configuration; 8 MiB is generous and still bounded.
const MAX_EVENT_BYTES = 8 * 1024 * 1024;

/** One open sideband socket of one call. */
export class SidebandConnection {
  constructor(
    private readonly socket: WebSocket,
    readonly callId: string,
  ) {}

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Send one client event; false when the socket is not open. */
  send(event: RealtimeClientEvent): boolean {
    if (!this.open) return false;
    this.socket.send(JSON.stringify(event));
    return true;
  }

  /** Close the socket (the call itself goes on until hung up). */
  close(): void {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    if (this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.terminate();
      return;
    }
    this.socket.close(1000, 'done');
    // A peer that never answers the close handshake must not keep the socket alive.
    setTimeout(() => this.socket.terminate(), 1_000).unref();
  }
}

/**
 * The server's own WebSocket to a live call (`wss://…/realtime?call_id=…`), authenticated with
 * the standard API key — never an ephemeral key, which OpenAI drops after a few seconds
 * (OpenAI's Realtime WebRTC guide). Uses `ws` directly: the SDK's automatic reconnect is refused for
 * call ids, and re-attaching is the session's decision anyway.
 *
 * A sideband that goes silent without closing (a hung upstream or a dead NAT path) would leave
 * a call nobody meters, so each socket is pinged every WS_HEARTBEAT_INTERVAL_SECONDS, like the
 * browsers' sockets: one that has shown no sign of life (pong or event) since the last ping is
 * terminated, which the session sees as a drop and re-attaches or hangs up.
 */
@Injectable()
export class SidebandClient {
  constructor(
    @Inject(openaiConfig.KEY) private readonly config: ConfigType<typeof openaiConfig>,
    @Inject(realtimeConfig.KEY) private readonly realtime: ConfigType<typeof realtimeConfig>,
  ) {}

  /** The sideband URL: OPENAI_BASE_URL with ws(s) scheme + /realtime?call_id=. */
  urlFor(callId: string): string {
    const url = new URL(`${this.config.baseUrl}/realtime`);
    url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
    url.searchParams.set('call_id', callId);
    return url.toString();
  }

  attach(callId: string, listener: SidebandListener): Promise<SidebandConnection> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.urlFor(callId), {
        headers: { Authorization: `Bearer ${this.config.apiKey}` },
        perMessageDeflate: false,
        maxPayload: MAX_EVENT_BYTES,
        handshakeTimeout: ATTACH_TIMEOUT_MS,
        followRedirects: false,
      });
      let opened = false;
      let settled = false;
      const fail = (error: SidebandAttachError) => {
        if (settled) return;
        settled = true;
        socket.terminate();
        reject(error);
      };

      socket.once('unexpected-response', (_request, response: IncomingMessage) => {
        const status = response.statusCode ?? 0;
        response.resume();
        fail(new SidebandAttachError(`sideband attach refused with HTTP ${status}`, status, status === 404));
      });
      socket.on('error', (error) => {
        if (!opened) fail(new SidebandAttachError(`sideband attach failed: ${error.message}`, undefined, false));
        // After open, an error is followed by 'close', which the listener handles.
      });
      let alive = true;
      let heartbeat: NodeJS.Timeout | undefined;
      socket.once('open', () => {
        opened = true;
        settled = true;
        heartbeat = setInterval(() => {
          if (!alive) return socket.terminate();
          alive = false;
          socket.ping();
        }, this.realtime.heartbeatIntervalMs).unref();
        resolve(new SidebandConnection(socket, callId));
      });
      socket.on('pong', () => (alive = true));
      socket.on('message', (data, isBinary) => {
        alive = true;
        const event = isBinary ? undefined : parseEvent(data.toString());
        if (event) listener.onEvent(event);
        else listener.onMalformed();
      });
      socket.once('close', (code) => {
        clearInterval(heartbeat);
        if (opened) listener.onClose(code);
        else fail(new SidebandAttachError(`sideband closed before it opened (${code})`, undefined, false));
      });
    });
  }
}

function parseEvent(text: string): RealtimeServerEvent | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value) && typeof (value as { type?: unknown }).type === 'string') {
      return value as RealtimeServerEvent;
    }
  } catch {
    // fall through
  }
  return undefined;
}
