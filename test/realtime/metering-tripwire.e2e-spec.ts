import { waitFor } from '../support/ports';
import { metricValue } from './support/metrics';
import { LiveSession, RealtimeApp, startRealtimeApp } from './support/realtime-app';
import { WebRtcBrowser } from './support/webrtc-browser';

// The metering tripwire through real sessions: a werift "browser" holds the WebRTC call with the
// fake OpenAI and reports, like the page, the response.done events its data channel saw
// (usage.seen). In the fake's blind-sideband mode the server's sideband never sees the responses
// the browser starts; the server must notice from the report and hang up with metering_lost.

type Peer = { rtc: WebRtcBrowser; session: LiveSession };

async function connect(env: RealtimeApp): Promise<Peer> {
  const rtc = new WebRtcBrowser();
  const session = await env.startSession({ offer: await rtc.offer() });
  await rtc.accept(session.started.sdp as string);
  await waitFor(() => rtc.events.some((event) => event.type === 'session.created'), 10_000);
  return { rtc, session };
}

/** The page's report: every response.done on the data channel, with its usage totals. */
function usageSeen(rtc: WebRtcBrowser): Record<string, unknown> {
  const done = rtc.events.filter((event) => event.type === 'response.done').map((event) => event.response as { usage?: { input_tokens?: number; output_tokens?: number } });
  return {
    type: 'usage.seen',
    responses: done.length,
    inputTokens: done.reduce((sum, response) => sum + (response.usage?.input_tokens ?? 0), 0),
    outputTokens: done.reduce((sum, response) => sum + (response.usage?.output_tokens ?? 0), 0),
  };
}

const doneCount = (rtc: WebRtcBrowser) => rtc.events.filter((event) => event.type === 'response.done').length;

describe('metering tripwire', () => {
  let env: RealtimeApp;
  const peers: WebRtcBrowser[] = [];
  beforeAll(async () => (env = await startRealtimeApp()));
  afterEach(async () => {
    env.realtime.blindSideband = false;
    await Promise.all(peers.splice(0).map((rtc) => rtc.close()));
  });
  afterAll(() => env.close());

  it('ends the call with metering_lost within 10 s of the first report when the sideband is blind to browser-started responses', async () => {
    env.realtime.blindSideband = true;
    const { rtc, session } = await connect(env);
    peers.push(rtc);
    const lostBefore = await metricValue('ducke_metering_lost_total');

    rtc.send({ type: 'response.create' });
    await waitFor(() => doneCount(rtc) === 1, 5_000);
    const reportedAt = Date.now();
    session.browser.send(usageSeen(rtc));

    expect(await session.browser.next('session.ended', 10_000)).toEqual({ type: 'session.ended', reason: 'metering_lost' });
    expect(Date.now() - reportedAt).toBeLessThan(10_000);
    // Hung up at OpenAI, counted, and the socket closed normally.
    expect(session.call.hangups).toHaveLength(1);
    expect(session.call.endedBy).toBe('hangup');
    expect((await session.browser.closedWithin()).code).toBe(1000);
    expect(await metricValue('ducke_metering_lost_total')).toBe(lostBefore + 1);
    expect(await metricValue('ducke_sessions_ended_total', { reason: 'metering_lost' })).toBeGreaterThanOrEqual(1);
  });

  it('leaves a call alone when the sideband metered everything the page saw', async () => {
    const { rtc, session } = await connect(env);
    peers.push(rtc);
    rtc.send({ type: 'response.create' });
    await waitFor(() => doneCount(rtc) === 1, 5_000);
    session.browser.send(usageSeen(rtc));
    // Past the in-flight grace (3 s): still live, nothing hung up.
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    expect(session.browser.of('session.ended')).toEqual([]);
    expect(session.call.hangups).toHaveLength(0);
    session.browser.send({ ...usageSeen(rtc), final: true });
    session.browser.send({ type: 'session.stop' });
    expect(await session.browser.next('session.ended')).toEqual({ type: 'session.ended', reason: 'client' });
  });

  it('lets a browser that over-reports end only its own call', async () => {
    const honest = await connect(env);
    const liar = await connect(env);
    peers.push(honest.rtc, liar.rtc);
    liar.session.browser.send({ type: 'usage.seen', responses: 40, inputTokens: 1_000_000, outputTokens: 1_000_000 });
    expect(await liar.session.browser.next('session.ended', 10_000)).toEqual({ type: 'session.ended', reason: 'metering_lost' });
    // The other conversation goes on, and can still talk.
    expect(honest.session.browser.open).toBe(true);
    expect(honest.session.call.ended).toBe(false);
    honest.rtc.send({ type: 'response.create' });
    await waitFor(() => doneCount(honest.rtc) === 1, 5_000);
    honest.session.browser.send({ type: 'session.stop' });
    expect(await honest.session.browser.next('session.ended')).toEqual({ type: 'session.ended', reason: 'client' });
  });

  it('refuses a malformed report with bad_message and keeps the call', async () => {
    const { rtc, session } = await connect(env);
    peers.push(rtc);
    session.browser.send({ type: 'usage.seen', responses: -3, inputTokens: 0, outputTokens: 0 });
    expect(await session.browser.next('error')).toMatchObject({ type: 'error', code: 'bad_message' });
    session.browser.send({ type: 'session.stop' });
    expect(await session.browser.next('session.ended')).toEqual({ type: 'session.ended', reason: 'client' });
  });
});
