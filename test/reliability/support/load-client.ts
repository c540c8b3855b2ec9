import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { TEST_OFFER } from '../../realtime/support/browser-socket';

// A browser's /session socket built for load: it keeps counts instead of every message, answers
// "wait for the next X" with a resolver instead of polling, and can stop reading (a paused tab).
// Used by hundreds at once, so it must cost the load generator as little as possible.

export type ServerMessage = { type: string; [field: string]: unknown };

export interface LoadClientOptions {
  /** The Origin header; `null` sends none. Default: the app's own origin. */
  origin?: string | null;
  headers?: Record<string, string>;
  /** A query string for /session (e.g. `token=…`, which the server must ignore). */
  query?: string;
  openTimeoutMs?: number;
  /** Source address of the socket (a loopback 127.x.y.z): a distinct client to the server or a balancer. */
  localAddress?: string;
}

let offers = 0;

/** A well-formed audio offer, unique per call so the fake's call can be matched to its browser. */
export function uniqueOffer(): string {
  const id = `${Date.now()}${String(++offers).padStart(7, '0')}`;
  return TEST_OFFER.replace(/^o=- \d+ /m, `o=- ${id} `);
}

interface Waiter {
  types: string[];
  resolve(message: ServerMessage): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class LoadClient {
  readonly counts = new Map<string, number>();
  /** The first few error messages, for diagnostics. */
  readonly errors: ServerMessage[] = [];
  sessionId?: string;
  /** session.ended reason, once received. */
  endedReason?: string;
  /** The last cost.updated sessionCostUsd: what the server metered for this conversation. */
  lastCostUsd = 0;
  /** Response headers of the upgrade (e.g. what a balancer added). */
  upgradeHeaders: Record<string, string | string[] | undefined> = {};
  /** Set when the socket closed: code, reason, and whether this side asked for it. */
  closed?: { code: number; reason: string; expected: boolean };
  /** Set before this side stops or closes on purpose: a close after it is not unexpected. */
  leaving = false;
  /** Bytes of server messages received. */
  bytesReceived = 0;
  readonly closedPromise: Promise<{ code: number; reason: string }>;
  private readonly waiters: Waiter[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => this.receive(data));
    this.closedPromise = new Promise((resolve) =>
      socket.once('close', (code, reason) => {
        this.closed = { code, reason: reason.toString(), expected: this.leaving };
        for (const waiter of this.waiters.splice(0)) {
          clearTimeout(waiter.timer);
          waiter.reject(new Error(`socket closed (${code}) while waiting for ${waiter.types.join(' or ')}`));
        }
        resolve({ code, reason: reason.toString() });
      }),
    );
    // Errors are followed by 'close'; nothing else to do here.
    socket.on('error', () => undefined);
  }

  static urlFor(appUrl: string): string {
    return `${appUrl.replace(/^http/, 'ws')}/session`;
  }

  static open(appUrl: string, options: LoadClientOptions = {}): Promise<LoadClient> {
    return new Promise((resolve, reject) => {
      const origin = options.origin === undefined ? appUrl : options.origin;
      const socket = new WebSocket(`${LoadClient.urlFor(appUrl)}${options.query ? `?${options.query}` : ''}`, {
        headers: { ...(origin === null ? {} : { Origin: origin }), ...options.headers },
        perMessageDeflate: false,
        handshakeTimeout: options.openTimeoutMs ?? 15_000,
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      });
      const client = new LoadClient(socket);
      socket.once('upgrade', (res: IncomingMessage) => (client.upgradeHeaders = res.headers));
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_req, res: IncomingMessage) => {
        res.resume();
        socket.terminate();
        reject(Object.assign(new Error(`upgrade refused with HTTP ${res.statusCode}`), { status: res.statusCode }));
      });
      socket.once('error', reject);
    });
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  count(type: string): number {
    return this.counts.get(type) ?? 0;
  }

  send(message: Record<string, unknown>): void {
    if (this.open) this.socket.send(JSON.stringify(message));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    if (this.open) this.socket.send(data, { binary });
  }

  /** The next message of `type` (or of any of `types`) from now on. */
  next(type: string | string[], timeoutMs = 10_000): Promise<ServerMessage> {
    const types = typeof type === 'string' ? [type] : type;
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error(`socket already closed (${this.closed.code}) while waiting for ${types.join(' or ')}`));
      const waiter: Waiter = {
        types,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new Error(`no ${types.join(' or ')} within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** session.start with a unique offer; resolves with the offer once session.started arrived. */
  async start(timeoutMs = 15_000): Promise<string> {
    const offer = uniqueOffer();
    const reply = this.next(['session.started', 'error'], timeoutMs);
    this.send({ type: 'session.start', sdp: offer });
    const message = await reply;
    if (message.type === 'error') throw new Error(`session.start refused: ${String(message.code)} ${String(message.message)}`);
    this.sessionId = String(message.sessionId);
    return offer;
  }

  /**
   * A control message the server answers by itself: voice.set to the voice already in use is
   * confirmed at once (no upstream round trip). Resolves with the round trip in ms.
   */
  async probe(voice = 'marin', timeoutMs = 10_000): Promise<number> {
    const reply = this.next('voice.changed', timeoutMs);
    const sentAt = performance.now();
    this.send({ type: 'voice.set', voice });
    await reply;
    return performance.now() - sentAt;
  }

  /** session.stop; resolves with the end reason and the close code. */
  async stop(timeoutMs = 15_000): Promise<{ reason: string | undefined; code: number }> {
    this.leaving = true;
    if (!this.open) return { reason: this.endedReason, code: this.closed?.code ?? 0 };
    const ended = this.next('session.ended', timeoutMs).catch(() => undefined);
    this.send({ type: 'session.stop' });
    const message = await ended;
    const { code } = await withTimeout(this.closedPromise, timeoutMs, 'close after session.ended');
    return { reason: (message?.reason as string | undefined) ?? this.endedReason, code };
  }

  close(): void {
    this.leaving = true;
    this.socket.close(1000);
  }

  terminate(): void {
    this.leaving = true;
    this.socket.terminate();
  }

  /** Stop reading from the socket (the kernel buffers fill, then the server's). */
  pause(): void {
    (this.socket as unknown as { _socket: Socket })._socket.pause();
  }

  resume(): void {
    (this.socket as unknown as { _socket: Socket })._socket.resume();
  }

  private receive(data: Buffer): void {
    this.bytesReceived += data.length;
    let message: ServerMessage;
    try {
      message = JSON.parse(data.toString()) as ServerMessage;
    } catch {
      message = { type: '(not json)' };
    }
    this.counts.set(message.type, (this.counts.get(message.type) ?? 0) + 1);
    if (message.type === 'error' && this.errors.length < 5) this.errors.push(message);
    if (message.type === 'session.ended') this.endedReason = String(message.reason);
    if (message.type === 'cost.updated') this.lastCostUsd = Number(message.sessionCostUsd);
    const index = this.waiters.findIndex((waiter) => waiter.types.includes(message.type));
    if (index >= 0) {
      const [waiter] = this.waiters.splice(index, 1);
      clearTimeout(waiter.timer);
      waiter.resolve(message);
    }
  }
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
