import { isIPv4, isIPv6 } from 'node:net';
import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import type { TrustProxy } from '../config/env-parsers';

/** The `trust proxy` function: which hops may set X-Forwarded-For (Express semantics). */
export type TrustFunction = (address: string, hopIndex: number) => boolean;

export function compileTrust(trust: TrustProxy): TrustFunction {
  if (trust === false) return () => false;
  if (typeof trust === 'number') return (_address, hopIndex) => hopIndex < trust;
  return proxyaddr.compile(trust);
}

/**
 * The client's IP for a request or a WebSocket upgrade, by one rule: the socket address unless
 * a trusted proxy forwarded it. Express's own `trust proxy` does not apply to upgrades, so both
 * paths go through proxy-addr with the same trust function.
 */
export function clientIp(req: IncomingMessage, trust: TrustFunction): string {
  const address = proxyaddr(req as Parameters<typeof proxyaddr>[0], trust);
  return address || req.socket.remoteAddress || 'unknown';
}

/**
 * The key limits count against: IPv4 as is (IPv4-mapped IPv6 collapsed to IPv4), IPv6 grouped
 * by /64 — one household or server usually owns a whole /64.
 */
export function clientKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (isIPv4(ip)) return ip;
  if (isIPv6(ip)) return `${expandIPv6(ip).slice(0, 4).join(':')}::/64`;
  return ip;
}

/** A shortened address for logs: never the full client IP (README, "Logs"). */
export function maskIp(ip: string): string {
  const key = clientKey(ip);
  if (isIPv4(key)) return key.replace(/\.\d+$/, '.x');
  if (key.endsWith('::/64')) return `${key.split(':').slice(0, 3).join(':')}:x::/64`;
  return 'x';
}

function expandIPv6(ip: string): string[] {
  const address = ip.split('%')[0];
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const headParts = hextets(head);
  const tailParts = tail === undefined ? [] : hextets(tail);
  const zeros = Array<string>(Math.max(0, 8 - headParts.length - tailParts.length)).fill('0');
  return [...headParts, ...zeros, ...tailParts].map((part) => Number.parseInt(part || '0', 16).toString(16));
}

/** Split one side of an IPv6 address; an embedded IPv4 tail (::ffff:1.2.3.4) becomes two hextets. */
function hextets(part: string): string[] {
  if (!part) return [];
  const pieces = part.split(':');
  const last = pieces[pieces.length - 1];
  if (isIPv4(last)) {
    const bytes = last.split('.').map(Number);
    pieces.splice(-1, 1, ((bytes[0] << 8) | bytes[1]).toString(16), ((bytes[2] << 8) | bytes[3]).toString(16));
  }
  return pieces;
}
