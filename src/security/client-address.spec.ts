import type { IncomingMessage } from 'node:http';
import { clientIp, clientKey, compileTrust, maskIp } from './client-address';

function request(remoteAddress: string, forwardedFor?: string): IncomingMessage {
  return {
    headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
    socket: { remoteAddress },
    connection: { remoteAddress },
  } as unknown as IncomingMessage;
}

describe('client address', () => {
  it('uses the socket address and ignores X-Forwarded-For when no proxy is trusted', () => {
    const trust = compileTrust(false);
    expect(clientIp(request('203.0.113.7', '1.2.3.4'), trust)).toBe('203.0.113.7');
  });

  it('honours X-Forwarded-For from a trusted hop only', () => {
    const trust = compileTrust(['loopback']);
    expect(clientIp(request('127.0.0.1', '198.51.100.9'), trust)).toBe('198.51.100.9');
    // A forged header from an untrusted peer changes nothing.
    expect(clientIp(request('203.0.113.7', '198.51.100.9'), trust)).toBe('203.0.113.7');
  });

  it('takes the right-most untrusted address, not the client-supplied left-most one', () => {
    const trust = compileTrust(1);
    expect(clientIp(request('10.0.0.2', '6.6.6.6, 198.51.100.9'), trust)).toBe('198.51.100.9');
  });

  it('groups IPv6 clients by /64 and collapses IPv4-mapped addresses', () => {
    expect(clientKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(clientKey('192.0.2.1')).toBe('192.0.2.1');
  });

  it('masks addresses for logs', () => {
    expect(maskIp('192.0.2.123')).toBe('192.0.2.x');
    expect(maskIp('2001:db8:1:2::1')).not.toContain(':2:');
  });
});
