import { waitFor } from '../support/ports';
import { WebRtcBrowser } from './support/webrtc-browser';
import { TEST_OFFER } from './support/browser-socket';
import { RealtimeApp, startRealtimeApp } from './support/realtime-app';

// What a browser may send as its offer (session.start.sdp): only a browser-shaped WebRTC offer
// creates a call, and OpenAI never gets a candidate for an address off the internet.

const TRIVIAL_OFFER = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';
const PRIVATE_CANDIDATES = [
  'a=candidate:7 1 udp 2122260223 169.254.169.254 80 typ host generation 0',
  'a=candidate:8 1 tcp 1518280447 10.0.0.1 6379 typ host tcptype passive generation 0',
  'a=candidate:9 1 udp 2122260223 metadata.google.internal 80 typ host generation 0',
];

describe('/session offers', () => {
  let env: RealtimeApp;
  beforeAll(async () => (env = await startRealtimeApp()));
  afterAll(() => env.close());

  it('refuses a trivial offer with bad_message naming what is missing, creates no call, and keeps the connection', async () => {
    const browser = await env.open();
    const callsBefore = env.realtime.calls.size;
    browser.send({ type: 'session.start', sdp: TRIVIAL_OFFER });
    const error = await browser.next('error');
    expect(error).toMatchObject({ code: 'bad_message' });
    expect(error.message).toBe(
      'The offer is not a browser WebRTC offer: it has no ICE username fragment (a=ice-ufrag), no ICE password (a=ice-pwd), no DTLS fingerprint (a=fingerprint), no data channel (m=application … webrtc-datachannel).',
    );
    expect(env.realtime.calls.size).toBe(callsBefore);
    expect(env.fake.requestsTo('/v1/realtime/calls')).toHaveLength(callsBefore);
    // Still open: a proper offer on the same connection starts the conversation.
    expect(browser.open).toBe(true);
    browser.send({ type: 'session.start', sdp: TEST_OFFER });
    expect(await browser.next('session.started')).toMatchObject({ type: 'session.started' });
    browser.close();
  });

  it('forwards an offer without its candidates for private, metadata and named addresses, the rest untouched', async () => {
    const withPrivate = TEST_OFFER.replace('a=ice-ufrag:dUcK\r\n', `${PRIVATE_CANDIDATES.join('\r\n')}\r\na=ice-ufrag:dUcK\r\n`);
    const { call, browser } = await env.startSession({ offer: withPrivate });
    expect(call.offer).toBe(TEST_OFFER);
    for (const address of ['169.254.169.254', '10.0.0.1', 'metadata.google.internal']) expect(call.offer).not.toContain(address);
    browser.close();
  });

  it('still connects a real WebRTC peer whose loopback candidates were removed (the fake learns it from its checks)', async () => {
    const peer = new WebRtcBrowser();
    try {
      const offer = await peer.offer();
      expect(offer).toMatch(/^a=candidate:.* 127\.0\.0\.1 /m);
      const { call, started, browser } = await env.startSession({ offer });
      expect(call.offer).not.toMatch(/^a=candidate:/m);
      await peer.accept(String(started.sdp));
      // The data channel opened: the fake's first event arrives on it.
      await waitFor(() => peer.events.some((event) => event.type === 'session.created'), 10_000);
      browser.close();
    } finally {
      await peer.close();
    }
  }, 30_000);
});
