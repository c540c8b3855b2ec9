import { randomBytes } from 'node:crypto';
import { connect, Socket } from 'node:net';

// Hand-made HTTP and WebSocket traffic for hostile-input tests: requests no well-behaved client
// library would send (thousands of headers, headers trickled byte by byte, duplicate Origin
// headers) and WebSocket frames that break the protocol (unmasked, oversized control frames,
// bad UTF-8, reserved opcodes). Everything on 127.0.0.1, every socket closed by its test.

export interface RawReply {
  /** The status line's code, or 0 when the server closed without answering. */
  status: number;
  head: string;
  closed: boolean;
}

/** Send `request` as is and read the reply's head (or the close), within `timeoutMs`. */
export function rawRequest(port: number, request: string | Buffer, timeoutMs = 5_000): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no reply within ${timeoutMs} ms`));
    }, timeoutMs);
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      const head = received.split('\r\n\r\n')[0];
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, closed });
      socket.destroy();
    };
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (received.includes('\r\n\r\n')) finish(false);
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => undefined);
    socket.write(request);
  });
}

/** A WebSocket upgrade request for /session with `extra` header lines. */
export function upgradeRequest(host: string, origin: string | undefined, extra: string[] = []): string {
  return [
    'GET /session HTTP/1.1',
    `Host: ${host}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    ...(origin === undefined ? [] : [`Origin: ${origin}`]),
    ...extra,
    '',
    '',
  ].join('\r\n');
}

export interface FrameOptions {
  opcode: number;
  fin?: boolean;
  masked?: boolean;
  /** Set reserved bits (RSV1..3), which no extension was negotiated for. */
  rsv?: number;
}

/** One WebSocket frame, masked as a client must (unless told otherwise). */
export function frame(payload: Buffer | string, options: FrameOptions): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const masked = options.masked ?? true;
  const first = ((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | options.opcode;
  let header: Buffer;
  if (data.length < 126) header = Buffer.from([first, (masked ? 0x80 : 0) | data.length]);
  else if (data.length < 65_536) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 126;
    header.writeUInt16BE(data.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(BigInt(data.length), 2);
  }
  if (!masked) return Buffer.concat([header, data]);
  const mask = randomBytes(4);
  const body = Buffer.from(data);
  for (let i = 0; i < body.length; i++) body[i] ^= mask[i % 4];
  return Buffer.concat([header, mask, body]);
}

export const Opcode = { Continuation: 0x0, Text: 0x1, Binary: 0x2, Close: 0x8, Ping: 0x9, Pong: 0xa } as const;

/** A /session WebSocket opened by hand, reading the server's frames (text messages and the close code). */
export class RawWebSocket {
  readonly texts: string[] = [];
  closeCode?: number;
  readonly ended: Promise<void>;
  private buffer = Buffer.alloc(0);

  private constructor(readonly socket: Socket) {
    this.ended = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
  }

  static open(port: number, origin: string): Promise<RawWebSocket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      let head = '';
      const onData = (chunk: Buffer) => {
        head += chunk.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        if (!head.startsWith('HTTP/1.1 101')) {
          socket.destroy();
          reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
          return;
        }
        const ws = new RawWebSocket(socket);
        socket.on('data', (data: Buffer) => ws.read(data));
        const rest = Buffer.from(head.slice(end + 4), 'latin1');
        if (rest.length) ws.read(rest);
        resolve(ws);
      };
      socket.on('data', onData);
      socket.once('error', reject);
      socket.write(upgradeRequest(`127.0.0.1:${port}`, origin));
    });
  }

  write(data: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(data);
  }

  /** Resolves with the close code the server sent (undefined if it just cut the connection). */
  async closedWithin(ms: number): Promise<number | undefined> {
    await Promise.race([this.ended, new Promise((_resolve, reject) => setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms).unref())]);
    return this.closeCode;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private read(data: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, data]);
    for (;;) {
      if (this.buffer.length < 2) return;
      const opcode = this.buffer[0] & 0x0f;
      let length = this.buffer[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffer.length < 4) return;
        length = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) return;
        length = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + length) return;
      const payload = this.buffer.subarray(offset, offset + length);
      this.buffer = this.buffer.subarray(offset + length);
      if (opcode === Opcode.Text) this.texts.push(payload.toString());
      if (opcode === Opcode.Close && payload.length >= 2) this.closeCode = payload.readUInt16BE(0);
    }
  }
}
