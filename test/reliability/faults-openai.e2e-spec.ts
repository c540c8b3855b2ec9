import type { FakeRealtimeCall } from '../fakes/openai/fake-realtime-call';
import { sleep, waitFor } from '../support/ports';
import { Conversation, ConversationLoad } from './support/conversation-load';
import { LoadClient, uniqueOffer } from './support/load-client';
import { OpenAiFaults } from './support/openai-faults';
import { ReliabilityStack, startReliabilityStack } from './support/reliability-stack';
import { sumOf } from './support/server-probe';

// OpenAI failing while conversations run on the built app (issue 9): 500s, malformed answers,
// hanging requests, dropped and silent sidebands, malformed sideband frames. Each affected
// conversation ends with a clear reason (or carries on, where the fault is recoverable), every
// call the server started is hung up, the conversations that were not hit never notice, and
// afterwards nothing is left: no session, reservation, connection, timer or file descriptor.

const BACKGROUND = 20;
const HEARTBEAT_SECONDS = 1;

interface StartResult {
  client: LoadClient;
  message: { type: string; [field: string]: unknown };
  closeCode?: number;
  ms: number;
}

describe('faults: OpenAI failing under load (built app)', () => {
  let stack: ReliabilityStack;
  let faults: OpenAiFaults;
  let background: ConversationLoad;
  let fdBaseline = 0;
  let timeoutBaseline = 0;

  beforeAll(async () => {
    stack = await startReliabilityStack({ env: { WS_HEARTBEAT_INTERVAL_SECONDS: String(HEARTBEAT_SECONDS) } });
    faults = new OpenAiFaults(stack.fake, stack.realtime);
    fdBaseline = stack.probe.fdCount();
    timeoutBaseline = await stack.probe.metric('nodejs_active_resources', { type: 'Timeout' });
    background = new ConversationLoad(stack.app.url, stack.realtime);
    expect(await background.open(BACKGROUND)).toBe(BACKGROUND);
    background.drive();
  }, 60_000);

  afterAll(async () => {
    background?.terminateAll();
    faults?.release();
    await stack?.stop();
  });

  afterEach(() => {
    // Whatever a test did to the fake, the next one starts from a healthy OpenAI.
    stack.realtime.createFailures.length = 0;
    stack.realtime.attachFailures.length = 0;
    stack.realtime.refuseAttach = undefined;
    stack.realtime.refuseHangup = undefined;
    stack.realtime.createDelayMs = 0;
    stack.realtime.hangupDelayMs = 0;
    faults.hangAttaches = false;
  });

  /** session.start on a new connection; the first answer (session.started or error) and the close code. */
  async function start(timeoutMs = 15_000): Promise<StartResult> {
    const began = performance.now();
    const client = await LoadClient.open(stack.app.url);
    const reply = client.next(['session.started', 'error'], timeoutMs);
    client.send({ type: 'session.start', sdp: uniqueOffer() });
    const message = await reply;
    const ms = performance.now() - began;
    if (message.type === 'session.started') return { client, message, ms };
    const { code } = await client.closedPromise;
    return { client, message, closeCode: code, ms };
  }

  /** Conversations for one fault, apart from the background ones (which must never notice). */
  async function victims(count: number): Promise<{ load: ConversationLoad; conversations: Conversation[] }> {
    const load = new ConversationLoad(stack.app.url, stack.realtime);
    await load.openExactly(count);
    return { load, conversations: load.conversations };
  }

  const callsNow = () => stack.realtime.calls.size;

  it('call creation answering 500: refused with upstream_error and a retry hint, nothing created', async () => {
    stack.realtime.createFailures.push({ status: 500 }, { status: 500 }, { status: 500 });
    const before = callsNow();
    for (let i = 0; i < 3; i++) {
      const { message, closeCode } = await start();
      expect(message).toEqual({ type: 'error', code: 'upstream_error', message: expect.stringMatching(/try again/i), retryAfterSec: 5 });
      expect(closeCode).toBe(1013);
    }
    expect(callsNow()).toBe(before);
  });

  it('call creation answering nonsense (201 without a call id): refused for good (1011), nothing created', async () => {
    stack.realtime.createFailures.push({ status: 201, message: 'not an SDP answer' });
    const before = callsNow();
    const { message, closeCode } = await start();
    expect(message).toMatchObject({ type: 'error', code: 'upstream_error' });
    expect(message.retryAfterSec).toBeUndefined();
    expect(closeCode).toBe(1011);
    expect(callsNow()).toBe(before);
  });

  it('call creation hanging: the start gives up (8 s) with upstream_error and a retry hint', async () => {
    stack.realtime.createDelayMs = 12_000;
    const { message, closeCode, ms } = await start(20_000);
    expect(message).toMatchObject({ type: 'error', code: 'upstream_error', retryAfterSec: 5 });
    expect(closeCode).toBe(1013);
    expect(ms).toBeGreaterThan(7_500);
    expect(ms).toBeLessThan(11_000); // the fake would have answered at 12 s
  }, 30_000);

  it('the sideband refused right after the call was created: that call is hung up and the browser told', async () => {
    stack.realtime.attachFailures.push(500);
    const before = callsNow();
    const { message, closeCode } = await start();
    expect(message).toMatchObject({ type: 'error', code: 'upstream_error', retryAfterSec: 5 });
    expect(closeCode).toBe(1013);
    const created = stack.realtime.callList.slice(before);
    expect(created).toHaveLength(1);
    await waitFor(() => created[0].endedBy === 'hangup');
  });

  it('hang-ups answering 500 at first: retried until OpenAI takes them; every browser told at once', async () => {
    const { load, conversations } = await victims(10);
    stack.realtime.refuseHangup = 500;
    const stopping = load.stopAll();
    await sleep(300);
    stack.realtime.refuseHangup = undefined;
    const ends = await stopping;
    expect(ends.reasons).toEqual({ client: 10 });
    await waitFor(() => conversations.every(({ call }) => call.endedBy === 'hangup'), 5_000);
    expect(conversations.every(({ call }) => call.hangups.length >= 2)).toBe(true);
  });

  it('sidebands dropped on ten running conversations: each re-attaches and carries on, metered', async () => {
    const { load, conversations } = await victims(10);
    load.drive();
    for (const { call } of conversations) call.dropSidebands();
    await waitFor(() => conversations.every(({ call }) => call.attaches.length === 2 && call.sidebands.size === 1), 8_000);
    const costBefore = load.received('cost.updated');
    for (const { call } of conversations) call.speak('Still here.');
    await waitFor(() => load.received('cost.updated') >= costBefore + 10, 5_000);
    expect(conversations.every(({ client }) => client.open && !client.endedReason)).toBe(true);
    const ends = await load.stopAll();
    expect(ends.reasons).toEqual({ client: 10 });
    expect(conversations.every(({ call }) => call.endedBy === 'hangup')).toBe(true);
  });

  it('sidebands dropped and not re-attachable: each conversation ends upstream_error within seconds and is hung up', async () => {
    const { conversations } = await victims(10);
    stack.realtime.refuseAttach = 503;
    const dropped = performance.now();
    for (const { call } of conversations) call.dropSidebands(1001);
    await Promise.all(conversations.map(({ client }) => client.closedPromise));
    expect(performance.now() - dropped).toBeLessThan(8_000);
    expect(conversations.map(({ client }) => client.endedReason)).toEqual(Array(10).fill('upstream_error'));
    await waitFor(() => conversations.every(({ call }) => call.endedBy === 'hangup'), 5_000);
  });

  it('a sideband that goes silent (hung, not closed): found by the heartbeat, re-attached, the conversation carries on', async () => {
    const { load, conversations } = await victims(5);
    for (const { call } of conversations) faults.silence(call);
    await waitFor(() => conversations.every(({ call }) => call.attaches.length === 2 && call.sidebands.size === 1), 3 * HEARTBEAT_SECONDS * 1_000 + 5_000);
    const costBefore = load.received('cost.updated');
    for (const { call } of conversations) call.speak('Back again.');
    await waitFor(() => load.received('cost.updated') >= costBefore + 5, 5_000);
    expect(conversations.every(({ client }) => client.open)).toBe(true);
    await load.stopAll();
    expect(conversations.every(({ call }) => call.endedBy === 'hangup')).toBe(true);
  });

  it('OpenAI down altogether (sidebands silent, attaches hanging, hang-ups failing): each conversation ends upstream_error; every call is hung up once OpenAI is back', async () => {
    const { conversations } = await victims(5);
    faults.hangAttaches = true;
    stack.realtime.refuseHangup = 503;
    const down = performance.now();
    for (const { call } of conversations) faults.silence(call);
    await Promise.all(conversations.map(({ client }) => client.closedPromise));
    const toldAfter = performance.now() - down;
    console.log(`OpenAI down: every browser told after ${Math.round(toldAfter)} ms`);
    expect(conversations.map(({ client }) => client.endedReason)).toEqual(Array(5).fill('upstream_error'));
    expect(toldAfter).toBeLessThan(15_000);
    // The hang-ups OpenAI refused are waiting, visibly, to be tried again.
    await waitFor(async () => (await stack.probe.status()).conversations.hangupsPending === 5, 15_000, 200);
    expect(conversations.every(({ call }) => !call.ended)).toBe(true);

    faults.hangAttaches = false;
    stack.realtime.refuseHangup = undefined;
    const back = performance.now();
    await waitFor(() => conversations.every(({ call }) => call.endedBy === 'hangup'), 15_000, 100);
    console.log(`OpenAI back: every call hung up ${Math.round(performance.now() - back)} ms later`);
    await waitFor(async () => (await stack.probe.status()).conversations.hangupsPending === 0, 5_000, 200);
  }, 60_000);

  it('malformed sideband frames on running conversations (not JSON, not objects, wrong shapes): ignored, metering goes on', async () => {
    const { load, conversations } = await victims(5);
    for (const { call } of conversations) {
      for (const frame of ['{not json', '[]', 'null', '"text"', '{"type":5}', '{"type":"response.done","response":"x"}', '{"type":"response.done","response":{"id":7,"usage":"lots"}}', '{"type":"response.output_item.done","item":{"type":"function_call","status":"completed","name":{},"call_id":[]}}', '{"type":"conversation.item.input_audio_transcription.completed","item_id":{},"usage":[1]}', '{"type":"session.updated","session":null}', '{"type":"error","error":"boom"}']) {
        call.emitRaw(frame);
      }
    }
    const costBefore = load.received('cost.updated');
    for (const { call } of conversations) call.speak('Fine.');
    await waitFor(() => load.received('cost.updated') >= costBefore + 5, 5_000);
    for (const { client } of conversations) expect(await client.probe()).toBeLessThan(2_500);
    expect(load.unexpected()).toEqual([]);
    await load.stopAll();
  });

  it('afterwards nothing is left, and the conversations that were never hit did not notice', async () => {
    expect(background.unexpected()).toEqual([]);
    expect(background.latency().p99).toBeLessThan(1_000); // ~5 ms alone; a stalled event loop would be seconds
    const ends = await background.stopAll();
    expect(ends.reasons).toEqual({ client: BACKGROUND });
    const started = stack.realtime.callList.filter((call) => call.attaches.length > 0 || call.refusedAttaches > 0);
    expect(started.filter((call: FakeRealtimeCall) => call.endedBy !== 'hangup').map((call) => call.id)).toEqual([]);

    await waitFor(
      async () => {
        const status = await stack.probe.status();
        const metrics = await stack.probe.metrics();
        const { active, starting, ending, hangupsPending } = status.conversations;
        return (
          active + starting + ending + hangupsPending === 0 &&
          status.sessions.reservedUsd === 0 &&
          sumOf(metrics, 'ducke_ws_connections_open') === 0 &&
          sumOf(metrics, 'ducke_sessions_active') === 0 &&
          sumOf(metrics, 'nodejs_active_resources', { type: 'Timeout' }) <= timeoutBaseline &&
          stack.probe.fdCount() <= fdBaseline
        );
      },
      30_000,
      500,
    );
  });
});
