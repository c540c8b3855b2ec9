import { browserOffer, NON_PUBLIC_CANDIDATES, PUBLIC_CANDIDATE } from './offer.spec-support';
import { checkOffer, isPublicAddress } from './sdp-offer.validator';

describe('checkOffer (what a browser may send as its WebRTC offer)', () => {
  it('accepts a browser offer as it is when every candidate is public', () => {
    const offer = browserOffer();
    expect(checkOffer(offer)).toEqual({ ok: true, sdp: offer, strippedCandidates: 0 });
    expect(checkOffer(browserOffer([]))).toMatchObject({ ok: true, strippedCandidates: 0 });
  });

  it('removes every candidate for an address off the internet (private, metadata, loopback, mDNS, ULA, mapped), keeping the rest byte for byte', () => {
    const result = checkOffer(browserOffer([...NON_PUBLIC_CANDIDATES, PUBLIC_CANDIDATE]));
    expect(result).toEqual({ ok: true, sdp: browserOffer([PUBLIC_CANDIDATE]), strippedCandidates: 2 * NON_PUBLIC_CANDIDATES.length });
  });

  it('removes a candidate line it cannot read', () => {
    const result = checkOffer(browserOffer(['a=candidate:garbage', PUBLIC_CANDIDATE]));
    expect(result).toMatchObject({ ok: true, sdp: browserOffer([PUBLIC_CANDIDATE]), strippedCandidates: 2 });
  });

  it.each([
    ['a trivial offer (v=0 and an audio line)', 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n', ['ICE username fragment', 'ICE password', 'DTLS fingerprint', 'data channel']],
    ['no data channel', browserOffer().split('m=application')[0], ['data channel']],
    ['no ICE password', browserOffer().replace(/a=ice-pwd:.*\r\n/g, ''), ['ICE password']],
    ['an ICE password too short to be one', browserOffer().replace(/a=ice-pwd:.*\r\n/g, 'a=ice-pwd:short\r\n'), ['ICE password']],
    ['no fingerprint', browserOffer().replace(/a=fingerprint:.*\r\n/g, ''), ['DTLS fingerprint']],
    ['video instead of audio', browserOffer().replace('m=audio', 'm=video'), ['audio m-line']],
  ])('refuses %s, naming what is missing', (_name, offer, missing) => {
    const result = checkOffer(offer);
    expect(result.ok).toBe(false);
    const problem = result.ok ? '' : result.problem;
    expect(problem).toMatch(/^The offer is not a browser WebRTC offer: it has no /);
    for (const part of missing) expect(problem).toContain(part);
  });

  it('knows public addresses from the rest', () => {
    expect(['81.2.69.160', '8.8.8.8', '2a00:1450:4007:80e::200e', '::ffff:8.8.8.8'].map(isPublicAddress)).toEqual([true, true, true, true]);
    const others = ['10.0.0.1', '172.16.5.4', '192.168.0.1', '169.254.169.254', '127.0.0.1', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd12::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '2001:db8::1', 'host.local', 'metadata.google.internal', ''];
    expect(others.filter(isPublicAddress)).toEqual([]);
  });
});
