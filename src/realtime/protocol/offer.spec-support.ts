// An offer as Chromium's RTCPeerConnection writes it for the page (audio + the oai-events data
// channel), with one candidate of each kind a browser can gather. For the unit specs beside this
// file; not a spec itself, and excluded from the build.

export const PUBLIC_CANDIDATE = 'a=candidate:842163049 1 udp 1677729535 81.2.69.160 54400 typ srflx raddr 192.168.1.20 rport 54400 generation 0 network-cost 999';

export const NON_PUBLIC_CANDIDATES = [
  'a=candidate:3250045826 1 udp 2122260223 192.168.1.20 54400 typ host generation 0 network-id 1 network-cost 10',
  'a=candidate:1 1 udp 2122194687 3e7a4c1b-5f0e-4b7a-9d1c-2f8e6a0b9c11.local 60001 typ host generation 0',
  'a=candidate:2 1 tcp 1518280447 10.0.0.1 6379 typ host tcptype passive generation 0',
  'a=candidate:3 1 udp 2122260223 169.254.169.254 80 typ host generation 0',
  'a=candidate:4 1 udp 2122260223 127.0.0.1 9 typ host generation 0',
  'a=candidate:5 1 udp 2122262783 fd00::1 54401 typ host generation 0',
  'a=candidate:6 1 udp 2122262783 ::ffff:10.1.2.3 54402 typ host generation 0',
];

export function browserOffer(candidates: string[] = [PUBLIC_CANDIDATE]): string {
  return [
    'v=0',
    'o=- 7614219274584779017 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'a=extmap-allow-mixed',
    'a=msid-semantic: WMS 5f0c4a6e',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    ...candidates,
    'a=ice-ufrag:Xq3t',
    'a=ice-pwd:Dz2m0rV9y4jzP1K8wQ7bLc5N',
    'a=ice-options:trickle',
    'a=fingerprint:sha-256 4F:25:3B:D8:0A:11:C9:7E:52:9D:E0:4A:6B:F3:18:C2:77:05:AE:91:3C:D6:60:2F:B8:14:EA:59:C0:7D:83:36',
    'a=setup:actpass',
    'a=mid:0',
    'a=sendrecv',
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    'c=IN IP4 0.0.0.0',
    ...candidates,
    'a=ice-ufrag:Xq3t',
    'a=ice-pwd:Dz2m0rV9y4jzP1K8wQ7bLc5N',
    'a=ice-options:trickle',
    'a=fingerprint:sha-256 4F:25:3B:D8:0A:11:C9:7E:52:9D:E0:4A:6B:F3:18:C2:77:05:AE:91:3C:D6:60:2F:B8:14:EA:59:C0:7D:83:36',
    'a=setup:actpass',
    'a=mid:1',
    'a=sctp-port:5000',
    'a=max-message-size:262144',
    '',
  ].join('\r\n');
}
