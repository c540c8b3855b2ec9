import { TimeoutError } from '../timeout';
import { ClientMessage, parseServerMessage, ServerMessage } from './session-messages';

// The page's WebSocket to /session (one per conversation). It turns frames into checked
// messages, and lets the conversation wait for a message with a deadline; a closed socket ends
// every wait at once, so nothing hangs on a connection that is gone.

export interface SocketClosed {
  code: number;
  /** Closed before the server sent `session.ended` or the page asked to close. */
  unexpected: boolean;
}

export class SocketClosedError extends Error {
  constructor(readonly code: number) {
    super(`the session socket closed (${code})`);
    this.name = 'SocketClosedError';
  }
}

type Waiter = {
  accept: (message: ServerMessage) => boolean;
  resolve: (message: ServerMessage) => void;
  reject: (error: Error) => void;
};

export class SessionSocket {
  private socket?: WebSocket;
  private readonly waiters = new Set<Waiter>();
  private closedByPage = false;
  private closedWith?: number;
  private endedByServer = false;
  /** Every server message, after any waiter has seen it. */
  onMessage: (message: ServerMessage) => void = () => undefined;
  onClose: (closed: SocketClosed) => void = () => undefined;

  /** ws(s)://<this host>/session */
  static urlFor(location: Location): string {
    return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/session`;
  }

  /** Open the socket; rejects when it closes first or `timeoutMs` passes. */
  open(url: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      this.socket = socket;
      const timer = setTimeout(() => {
        reject(new TimeoutError('opening the connection'));
        this.close();
      }, timeoutMs);
      socket.addEventListener('open', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.addEventListener('message', (event: MessageEvent) => {
        if (typeof event.data !== 'string') return;
        const message = parseServerMessage(event.data);
        if (message) this.dispatch(message);
      });
      socket.addEventListener('close', (event: CloseEvent) => {
        clearTimeout(timer);
        this.closedWith = event.code;
        reject(new SocketClosedError(event.code));
        for (const waiter of [...this.waiters]) waiter.reject(new SocketClosedError(event.code));
        this.waiters.clear();
        this.onClose({ code: event.code, unexpected: !this.closedByPage && !this.endedByServer });
      });
    });
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  send(message: ClientMessage): boolean {
    if (!this.isOpen) return false;
    this.socket!.send(JSON.stringify(message));
    return true;
  }

  /** The next message `accept` takes (also seen by onMessage); rejects on close or timeout. */
  waitFor<T extends ServerMessage>(accept: (message: ServerMessage) => message is T, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.closedWith !== undefined) return reject(new SocketClosedError(this.closedWith));
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new TimeoutError(what));
      }, timeoutMs);
      const waiter: Waiter = {
        accept,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** Close from the page's side (after session.stop, or giving up). */
  close(): void {
    this.closedByPage = true;
    if (this.socket && this.socket.readyState <= WebSocket.OPEN) this.socket.close(1000);
  }

  private dispatch(message: ServerMessage): void {
    if (message.type === 'session.ended') this.endedByServer = true;
    for (const waiter of [...this.waiters]) {
      if (waiter.accept(message)) {
        this.waiters.delete(waiter);
        waiter.resolve(message);
      }
    }
    this.onMessage(message);
  }
}
