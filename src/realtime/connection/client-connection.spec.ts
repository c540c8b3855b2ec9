import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import { WebSocket } from 'ws';
import { DEFAULT_MESSAGE_RULE } from '../../rate-limit/message-limiter.service';
import { TokenBucket } from '../../rate-limit/token-bucket';
import { ClientConnection, DEFAULT_CONNECTION_LIMITS } from './client-connection';

/** The slice of a `ws` socket the connection uses, with a settable bufferedAmount. */
class StubSocket extends EventEmitter {
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  readonly sent: string[] = [];
  closedWith?: [number, string];
  terminated = false;
  pings = 0;
  send(text: string) {
    this.sent.push(text);
  }
  close(code: number, reason: string) {
    this.closedWith = [code, reason];
    this.readyState = WebSocket.CLOSING;
  }
  terminate() {
    this.terminated = true;
    this.readyState = WebSocket.CLOSED;
  }
  ping() {
    this.pings++;
  }
  receive(text: string) {
    this.emit('message', Buffer.from(text), false);
  }
  messages() {
    return this.sent.map((text) => JSON.parse(text) as Record<string, unknown>);
  }
}

const quiet = new Logger('test');
quiet.warn = () => undefined;
quiet.debug = () => undefined;
const identity = { ip: '127.0.0.1', clientKey: '127.0.0.1' };

function connect(now = { t: 0 }) {
  const socket = new StubSocket();
  const connection = new ClientConnection(
    socket as unknown as WebSocket,
    identity,
    ['en-US'],
    // The rate-limit module's bucket for RATE_LIMIT_SESSION_MESSAGES' default, on the test's clock.
    new TokenBucket(DEFAULT_MESSAGE_RULE, () => now.t),
    { limits: DEFAULT_CONNECTION_LIMITS, logger: quiet, now: () => now.t },
  );
  const received: unknown[] = [];
  return { socket, connection, received, now };
}

describe('ClientConnection', () => {
  it('delivers valid messages, answers bad ones with an error and stays open', () => {
    const { socket, connection, received } = connect();
    connection.admit((message) => received.push(message));
    socket.receive('{"type":"session.stop"}');
    socket.receive('not json');
    socket.emit('message', Buffer.from([0, 1, 2]), true);
    expect(received).toEqual([{ type: 'session.stop' }]);
    expect(socket.messages()).toEqual([
      { type: 'error', code: 'bad_message', message: 'The message is not valid JSON.' },
      { type: 'error', code: 'bad_message', message: 'Send JSON text frames, not binary.' },
    ]);
    expect(socket.closedWith).toBeUndefined();
  });

  it('keeps messages that arrive before the gate has decided, and delivers them in order', () => {
    const { socket, connection, received } = connect();
    socket.receive('{"type":"voice.set","voice":"ash"}');
    socket.receive('{"type":"session.stop"}');
    expect(received).toEqual([]);
    connection.admit((message) => received.push(message));
    expect(received).toEqual([{ type: 'voice.set', voice: 'ash' }, { type: 'session.stop' }]);
  });

  it('throttles a burst beyond the bucket with one rate_limited notice a second, then refills', () => {
    const { socket, connection, received, now } = connect();
    connection.admit((message) => received.push(message));
    for (let i = 0; i < 30; i++) socket.receive('{"type":"session.stop"}');
    expect(received).toHaveLength(DEFAULT_MESSAGE_RULE.burst);
    expect(socket.messages()).toEqual([{ type: 'error', code: 'rate_limited', message: 'Too many messages; slow down.', retryAfterSec: 1 }]);
    now.t += 1_000;
    socket.receive('{"type":"session.stop"}');
    expect(received).toHaveLength(DEFAULT_MESSAGE_RULE.burst + 1);
    expect(socket.closedWith).toBeUndefined();
  });

  it('closes a flood 1008 and delivers none of the dropped frames', () => {
    const { socket, connection, received } = connect();
    connection.admit((message) => received.push(message));
    for (let i = 0; i < 1_000; i++) socket.receive('{"type":"session.stop"}');
    expect(received).toHaveLength(DEFAULT_MESSAGE_RULE.burst);
    expect(socket.closedWith).toEqual([1008, 'message flood']);
    expect(socket.messages().filter((message) => message.code === 'rate_limited')).toHaveLength(1);
  });

  it('skips droppable messages while the browser reads slowly, and closes 1013 one that stopped reading', () => {
    const { socket, connection } = connect();
    socket.bufferedAmount = DEFAULT_CONNECTION_LIMITS.softBufferedBytes + 1;
    expect(connection.send({ type: 'cost.updated', sessionCostUsd: 0.1, budgetUsd: 5 }, true)).toBe(false);
    expect(connection.send({ type: 'tool.called', name: 'web_search', callId: 'c1' })).toBe(true);
    socket.bufferedAmount = DEFAULT_CONNECTION_LIMITS.hardBufferedBytes;
    expect(connection.send({ type: 'tool.called', name: 'web_search', callId: 'c2' })).toBe(false);
    expect(socket.closedWith).toEqual([1013, 'not reading']);
    expect(socket.messages()).toEqual([{ type: 'tool.called', name: 'web_search', callId: 'c1' }]);
  });

  it('terminates a peer that does not finish the close handshake', () => {
    jest.useFakeTimers();
    try {
      const { socket, connection } = connect();
      connection.close(1000, 'client');
      expect(socket.terminated).toBe(false);
      jest.advanceTimersByTime(2_000);
      expect(socket.terminated).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });

  it('terminates a peer that missed a heartbeat pong', () => {
    const { socket, connection } = connect();
    expect(connection.ping()).toBe(true);
    socket.emit('pong');
    expect(connection.ping()).toBe(true);
    expect(connection.ping()).toBe(false);
    expect(socket.terminated).toBe(true);
    expect(socket.pings).toBe(2);
  });
});
