import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { SYNTHETIC_OFFER_NAME } from '../../fakes/openai/webrtc-answerer';

// A browser's /session WebSocket, as the page would open it: Origin set to the page's own
// origin unless told otherwise, JSON text frames, every server message kept in order.

export type Message = { type: string; [field: string]: unknown };

export interface OpenOptions {
  /** The Origin header; `null` sends none. Default: the app's own origin. */
  origin?: string | null;
  headers?: Record<string, string>;
  /** false: do not answer pings (a dead peer). */
  autoPong?: boolean;
}

export class BrowserSocket {
  readonly messages: Message[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly consumed = new Map<string, number>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.messages.push(JSON.parse(data.toString()) as Message));
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** ws://127.0.0.1:<port>/session for an app at http://127.0.0.1:<port>. */
  static urlFor(appUrl: string): string {
    return `${appUrl.replace(/^http/, 'ws')}/session`;
  }

  static open(appUrl: string, options: OpenOptions = {}): Promise<BrowserSocket> {
    return new Promise((resolve, reject) => {
      const origin = options.origin === undefined ? appUrl : options.origin;
      const socket = new WebSocket(BrowserSocket.urlFor(appUrl), {
        headers: { ...(origin === null ? {} : { Origin: origin }), ...options.headers },
        autoPong: options.autoPong ?? true,
      });
      const browser = new BrowserSocket(socket);
      socket.once('open', () => resolve(browser));
      socket.once('unexpected-response', (_req, res: IncomingMessage) => {
        res.resume();
        reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, headers: res.headers }));
      });
      socket.once('error', reject);
    });
  }

  /** The HTTP status an upgrade is refused with (throws when it is accepted). */
  static async refusal(appUrl: string, options: OpenOptions = {}): Promise<{ status: number; headers: IncomingMessage['headers'] }> {
    try {
      const browser = await BrowserSocket.open(appUrl, options);
      browser.socket.terminate();
    } catch (error) {
      const { status, headers } = error as { status?: number; headers?: IncomingMessage['headers'] };
      if (status) return { status, headers: headers ?? {} };
      throw error;
    }
    throw new Error('the upgrade was accepted');
  }

  send(message: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(message));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  /** The next not-yet-returned message of `type` (in arrival order), waiting up to `timeoutMs`. */
  async next(type: string, timeoutMs = 5_000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = this.consumed.get(type) ?? 0;
      const matching = this.messages.filter((message) => message.type === type);
      if (matching.length > seen) {
        this.consumed.set(type, seen + 1);
        return matching[seen];
      }
      if (Date.now() > deadline) {
        throw new Error(`no ${type} message within ${timeoutMs} ms; got ${JSON.stringify(this.messages.map((message) => message.type))}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  of(type: string): Message[] {
    return this.messages.filter((message) => message.type === type);
  }

  async closedWithin(timeoutMs = 5_000): Promise<{ code: number; reason: string }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`socket still open after ${timeoutMs} ms; got ${JSON.stringify(this.messages.map((m) => m.type))}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.socket.close(1000);
  }
}

/**
 * A synthetic offer shaped like a browser's (audio, ICE credentials, a DTLS fingerprint, the data
 * channel, one public host candidate), for protocol tests that need no real WebRTC. Its session
 * name marks it synthetic, so the fake OpenAI answers it with a canned SDP instead of a werift peer.
 */
export const TEST_OFFER = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  `s=${SYNTHETIC_OFFER_NAME}`,
  't=0 0',
  'a=group:BUNDLE 0 1',
  'a=fingerprint:sha-256 3A:1F:7C:9E:22:5B:81:D4:6A:0C:E3:95:4F:B7:12:68:C9:3D:A0:5E:F1:84:2B:77:6D:19:E8:C2:40:5A:93:BF',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=candidate:1 1 udp 2122260223 198.51.0.10 50000 typ host generation 0',
  'a=ice-ufrag:dUcK',
  'a=ice-pwd:quackquackquackquack1234',
  'a=setup:actpass',
  'a=mid:0',
  'a=sendrecv',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  'a=ice-ufrag:dUcK',
  'a=ice-pwd:quackquackquackquack1234',
  'a=setup:actpass',
  'a=mid:1',
  'a=sctp-port:5000',
  '',
].join('\r\n');
