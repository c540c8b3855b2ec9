import { isIP } from 'node:net';

// What a browser may send as its WebRTC offer (`session.start.sdp`, docs/protocol.md). Every offer
// creates a billable call at OpenAI, so it must look like what a browser's RTCPeerConnection
// produces for the page — an audio m-line, ICE credentials, a DTLS fingerprint and the data
// channel — and it must not steer OpenAI's media servers at addresses that are not on the
// internet: ICE candidates for private, loopback, link-local or otherwise non-public addresses
// (169.254.169.254, 10.0.0.1:6379…) and host names (mDNS `.local` names included) are removed
// before the offer is forwarded. A browser needs none of them: OpenAI answers with its own
// public candidates and learns the browser's address from its connectivity checks.

export type OfferCheck = { ok: true; sdp: string; strippedCandidates: number } | { ok: false; problem: string };

/** IPv4 networks no candidate may name: everything that is not a public unicast address. */
const NON_PUBLIC_V4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local (cloud metadata endpoints live here)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

/** IPv6 networks likewise (IPv4-mapped addresses are checked as IPv4). */
const NON_PUBLIC_V6: ReadonlyArray<readonly [string, number]> = [
  ['::', 127], // unspecified and loopback
  ['64:ff9b::', 96], // NAT64
  ['64:ff9b:1::', 48],
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID…)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

// Plain arithmetic, not node:net's BlockList: an offer can carry dozens of candidates, and
// BlockList.check costs tens of microseconds per address.
const V4_RANGES = NON_PUBLIC_V4.map(([network, bits]) => ({ base: ipv4ToInt(network), bits }));
const V6_RANGES = NON_PUBLIC_V6.map(([network, bits]) => ({ groups: ipv6Groups(network)!, bits }));

function ipv4ToInt(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

function inV4(value: number, base: number, bits: number): boolean {
  const size = 2 ** (32 - bits);
  return Math.floor(value / size) === Math.floor(base / size);
}

/** The eight 16-bit groups of an IPv6 literal (isIP already said it is one), or undefined for a mapped IPv4 tail. */
function ipv6Groups(address: string): number[] | undefined {
  const [head, tail] = address.toLowerCase().split('::') as [string, string | undefined];
  const parse = (part: string | undefined) => (part ? part.split(':') : []);
  const left = parse(head);
  const right = parse(tail);
  const last = (tail === undefined ? left : right).at(-1) ?? '';
  if (last.includes('.')) return undefined;
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((group) => parseInt(group, 16));
}

function inV6(groups: number[], network: number[], bits: number): boolean {
  for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if ((groups[i] & mask) !== (network[i] & mask)) return false;
  }
  return true;
}

const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** True when `address` is an IP literal on the public internet. */
export function isPublicAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 4) {
    const value = ipv4ToInt(address);
    return !V4_RANGES.some((range) => inV4(value, range.base, range.bits));
  }
  if (version !== 6) return false; // a host name (mDNS `.local` included) or garbage
  const mapped = MAPPED_IPV4.exec(address);
  if (mapped) return isPublicAddress(mapped[1]);
  const groups = ipv6Groups(address);
  // Any other embedded-IPv4 form, or a mapped address in hex (::ffff:7f00:1), is no browser's doing.
  if (!groups || (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff)) return false;
  return !V6_RANGES.some((range) => inV6(groups, range.groups, range.bits));
}

/** `a=candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> …` → the address. */
function candidateAddress(line: string): string | undefined {
  const fields = line.slice('a=candidate:'.length).trim().split(/\s+/);
  return fields.length >= 8 && fields[6] === 'typ' ? fields[4] : undefined;
}

/**
 * Check an offer and remove the candidates OpenAI must not be sent. A refusal names everything
 * missing, in words a developer can act on.
 */
export function checkOffer(sdp: string): OfferCheck {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(/\r?\n/);
  const media = lines.filter((line) => line.startsWith('m='));
  const missing: string[] = [];
  if (!media.some((line) => /^m=audio \d+ [A-Z/]*RTP\/S?AVPF? /.test(line))) missing.push('audio m-line (m=audio … RTP/SAVPF …)');
  if (!lines.some((line) => /^a=ice-ufrag:\S{4,256}$/.test(line))) missing.push('ICE username fragment (a=ice-ufrag)');
  if (!lines.some((line) => /^a=ice-pwd:\S{22,256}$/.test(line))) missing.push('ICE password (a=ice-pwd)');
  if (!lines.some((line) => /^a=fingerprint:[A-Za-z0-9-]+ [0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2})+$/.test(line))) missing.push('DTLS fingerprint (a=fingerprint)');
  if (!media.some((line) => /^m=application \d+ [A-Z/]*DTLS\/SCTP webrtc-datachannel$/.test(line))) missing.push('data channel (m=application … webrtc-datachannel)');
  if (missing.length) return { ok: false, problem: `The offer is not a browser WebRTC offer: it has no ${missing.join(', no ')}.` };

  let strippedCandidates = 0;
  const kept = lines.filter((line) => {
    if (!line.startsWith('a=candidate:')) return true;
    const address = candidateAddress(line);
    if (address !== undefined && isPublicAddress(address)) return true;
    strippedCandidates++;
    return false;
  });
  return { ok: true, sdp: strippedCandidates ? kept.join(eol) : sdp, strippedCandidates };
}
