import { BlockList, isIP } from 'node:net';

// What a browser may send as its WebRTC offer (contract §3 `session.start.sdp`). Every offer
// creates a billable call at OpenAI, so it must look like what a browser's RTCPeerConnection
// produces for the page — an audio m-line, ICE credentials, a DTLS fingerprint and the data
// channel — and it must not steer OpenAI's media servers at addresses that are not on the
// internet: ICE candidates for private, loopback, link-local or otherwise non-public addresses
// (169.254.169.254, 10.0.0.1:6379…) and host names (mDNS `.local` names included) are removed
// before the offer is forwarded. A browser needs none of them: OpenAI answers with its own
// public candidates and learns the browser's address from its connectivity checks.

export type OfferCheck = { ok: true; sdp: string; strippedCandidates: number } | { ok: false; problem: string };

/** Addresses no candidate may name: everything that is not a public unicast address. */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
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
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
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
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** IPv4-mapped IPv6 (kept apart: in one list with the IPv4 rules, BlockList would match every IPv4 address against it). */
const MAPPED = new BlockList();
MAPPED.addSubnet('::ffff:0:0', 96, 'ipv6');
const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** True when `address` is an IP literal on the public internet. */
export function isPublicAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 4) return !NON_PUBLIC.check(address, 'ipv4');
  if (version !== 6) return false; // a host name (mDNS `.local` included) or garbage
  const mapped = MAPPED_IPV4.exec(address);
  if (mapped) return isPublicAddress(mapped[1]);
  // A mapped address in hex form is no browser's doing: not public.
  return !MAPPED.check(address, 'ipv6') && !NON_PUBLIC.check(address, 'ipv6');
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
