import { percentiles } from '../../bench/measure';
import { waitFor } from '../support/ports';
import { TEST_OFFER } from './support/browser-socket';
import { RealtimeApp, startRealtimeApp } from './support/realtime-app';

// Bad input, floods, dead peers and failing upstreams: the session (or at least the server and
// every other session) lives on, and nothing is left running or reserved.

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

async function conversations(env: RealtimeApp): Promise<{ active: number; starting: number }> {
  return ((await (await fetch(`${env.app.url}/status`)).json()) as { conversations: { active: number; starting: number } }).conversations;
}

describe('/session robustness: client input', () => {
  let env: RealtimeApp;
  beforeAll(async () => {
    env = await startRealtimeApp();
  });
  afterAll(() => env.close());

  it('answers malformed input with bad_message and keeps the connection, before and after the start', async () => {
    const browser = await env.open();
    const bad: Array<[string | Buffer, boolean]> = [
      ['{"type":', false],
      [Buffer.from([0xde, 0xad, 0xbe, 0xef]), true],
      [`${'['.repeat(20_000)}${']'.repeat(20_000)}`, false],
      ['{"type":"session.stop","__proto__":{"admin":true}}', false],
      ['{"type":"session.start","constructor":{"prototype":{"x":1}}}', false],
      ['{"type":"response.create"}', false],
      ['{"type":"session.start","sdp":"hello"}', false],
      ['{"type":"session.start","sdp":5}', false],
      ['"session.start"', false],
      ['{"type":"voice.set","voice":"cedar"}', false],
    ];
    for (const [data, binary] of bad) browser.sendRaw(data, binary);
    for (let i = 0; i < bad.length; i++) expect(await browser.next('error')).toMatchObject({ code: 'bad_message', message: expect.any(String) });
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(browser.open).toBe(true);
    expect(env.realtime.calls.size).toBe(0);

    browser.send({ type: 'session.start', sdp: TEST_OFFER, voice: 'quack' });
    expect(await browser.next('error')).toMatchObject({ code: 'invalid_voice' });
    browser.send({ type: 'session.start', sdp: TEST_OFFER });
    await browser.next('session.started');
    browser.send({ type: 'session.start', sdp: TEST_OFFER });
    expect(await browser.next('error')).toMatchObject({ code: 'already_started' });
    browser.sendRaw('{oops');
    expect(await browser.next('error')).toMatchObject({ code: 'bad_message' });
    expect(browser.open).toBe(true);
    expect(env.realtime.calls.size).toBe(1);
    browser.send({ type: 'session.stop' });
    expect(await browser.next('session.ended')).toEqual({ type: 'session.ended', reason: 'client' });
  });

  it('accepts a 64 KiB frame and closes a larger one with 1009; other connections carry on', async () => {
    const other = await env.startSession();
    const browser = await env.open();
    // permessage-deflate is offered by the client and declined by the server.
    expect(browser.socket.extensions).toBe('');
    browser.sendRaw('x'.repeat(64 * 1024));
    expect(await browser.next('error')).toMatchObject({ code: 'bad_message' });
    browser.sendRaw('x'.repeat(64 * 1024 + 1));
    expect((await browser.closedWithin()).code).toBe(1009);
    other.browser.send({ type: 'voice.set', voice: 'verse' });
    expect(await other.browser.next('voice.changed')).toEqual({ type: 'voice.changed', voice: 'verse' });
    other.browser.send({ type: 'session.stop' });
    await other.browser.closedWithin();
  });

  it('throttles and then closes a flood of 1,000 messages without slowing another conversation', async () => {
    const calm = await env.startSession();
    const flooder = await env.startSession();
    const latencies: number[] = [];
    const probe = (async () => {
      // Ten round trips: well inside one connection's own message budget.
      for (let i = 0; i < 10; i++) {
        const sent = performance.now();
        calm.browser.send({ type: 'voice.set', voice: i % 2 ? 'verse' : 'sage' });
        await calm.browser.next('voice.changed');
        latencies.push(performance.now() - sent);
      }
    })();
    for (let i = 0; i < 1_000; i++) flooder.browser.send({ type: 'voice.set', voice: 'ash' });
    await probe;
    expect(flooder.browser.of('error').filter((message) => message.code === 'rate_limited').length).toBeGreaterThanOrEqual(1);
    expect((await flooder.browser.closedWithin()).code).toBe(1008);
    // The flooder's call is hung up; at most one bucket of its messages reached OpenAI.
    await waitFor(() => flooder.call.hangups.length === 1);
    expect(flooder.call.clientEvents('session.update').length).toBeLessThanOrEqual(25);
    expect(percentiles(latencies).p99).toBeLessThan(750); // ~5 ms idle; starved would be seconds
    expect(calm.browser.open).toBe(true);
    calm.browser.send({ type: 'session.stop' });
    await calm.browser.closedWithin();
  });
});

describe('/session robustness: idle and dead peers', () => {
  let env: RealtimeApp;
  beforeAll(async () => {
    env = await startRealtimeApp({ SESSION_IDLE_TIMEOUT_SECONDS: '0.4', WS_HEARTBEAT_INTERVAL_SECONDS: '0.2' });
  });
  afterAll(() => env.close());

  it('closes a connection that never starts a session (1008) within the idle timeout', async () => {
    const opened = Date.now();
    const browser = await env.open();
    const { code } = await browser.closedWithin(3_000);
    expect(code).toBe(1008);
    expect(Date.now() - opened).toBeGreaterThanOrEqual(350);
  });

  it('terminates a peer that stops answering pings within two intervals, and hangs its call up; a live peer stays', async () => {
    const alive = await env.startSession();
    const dead = await env.startSession({ autoPong: false });
    const { code } = await dead.browser.closedWithin(2_000);
    expect(code).toBe(1006);
    await waitFor(() => dead.call.hangups.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(alive.browser.open).toBe(true);
    alive.browser.send({ type: 'session.stop' });
    await alive.browser.closedWithin();
  });
});

describe('/session robustness: upstream failures', () => {
  let env: RealtimeApp;
  beforeAll(async () => {
    env = await startRealtimeApp();
  });
  afterAll(() => env.close());

  it.each([
    [503, 1013, 5],
    [429, 1013, 5],
    [400, 1011, undefined],
    [401, 1011, undefined],
  ])('a call create answered %i → upstream_error, close %i, nothing left running', async (status, closeCode, retryAfterSec) => {
    env.realtime.createFailures.push({ status });
    const before = env.realtime.calls.size;
    const browser = await env.open();
    browser.send({ type: 'session.start', sdp: TEST_OFFER });
    const error = await browser.next('error');
    expect(error).toEqual({ type: 'error', code: 'upstream_error', message: expect.any(String), ...(retryAfterSec ? { retryAfterSec } : {}) });
    expect(JSON.stringify(error)).not.toContain('fake failure');
    expect((await browser.closedWithin()).code).toBe(closeCode);
    expect(env.realtime.calls.size).toBe(before);
    await waitFor(async () => (await conversations(env)).starting === 0);
    const spend = ((await (await fetch(`${env.app.url}/status`)).json()) as { sessions: { reservedUsd: number } }).sessions;
    expect(spend.reservedUsd).toBe(0);
  });

  it('re-attaches a dropped sideband and carries on with the conversation', async () => {
    const { browser, call } = await env.startSession();
    call.dropSidebands();
    await env.realtime.waitForSideband(call, 2);
    expect(call.attaches[1]).toMatchObject({ authorization: `Bearer ${env.fake.apiKey}`, url: `/v1/realtime?call_id=${call.id}` });
    call.callFunctions([{ name: 'get_current_weather', arguments: { location: "L'Aquila" } }]);
    await call.waitForClientEvent('response.create');
    expect(await browser.next('tool.result')).toMatchObject({ ok: true });
    expect(call.hangups).toHaveLength(0);
    browser.send({ type: 'session.stop' });
    await browser.closedWithin();
  });

  it('hangs up (fail closed) when the sideband cannot be re-attached', async () => {
    const { browser, call } = await env.startSession();
    env.realtime.refuseAttach = 503;
    try {
      const dropped = Date.now();
      call.dropSidebands(1001);
      expect(await browser.next('session.ended', 8_000)).toEqual({ type: 'session.ended', reason: 'upstream_error' });
      expect(Date.now() - dropped).toBeLessThan(6_000);
      expect(call.hangups).toHaveLength(1);
      expect(call.refusedAttaches).toBeGreaterThanOrEqual(2);
      expect((await browser.closedWithin()).code).toBe(1000);
    } finally {
      env.realtime.refuseAttach = undefined;
    }
  });

  it('ends with upstream_closed, without a hang-up, when OpenAI ends the call itself', async () => {
    const { browser, call } = await env.startSession();
    call.endFromOpenAI();
    expect(await browser.next('session.ended')).toEqual({ type: 'session.ended', reason: 'upstream_closed' });
    expect((await browser.closedWithin()).code).toBe(1000);
    expect(call.hangups).toHaveLength(0);
  });

  it('ignores malformed sideband frames and OpenAI error events; the session lives on', async () => {
    const { browser, call } = await env.startSession();
    call.emitRaw('{not json');
    call.emitRaw('[]');
    call.error('Invalid value for something', 'invalid_value');
    browser.send({ type: 'voice.set', voice: 'coral' });
    expect(await browser.next('voice.changed')).toEqual({ type: 'voice.changed', voice: 'coral' });
    expect(browser.of('error')).toHaveLength(0);
    browser.send({ type: 'session.stop' });
    await browser.closedWithin();
  });

  it('keeps serving a conversation while one of its tools hangs, and stops the tool at the end', async () => {
    const { browser, call } = await env.startSession();
    env.weather.fail('/v1/search', { hang: true });
    const { callIds } = call.callFunctions([{ name: 'get_current_weather', arguments: { location: 'Springfield' } }]);
    expect(await browser.next('tool.called')).toMatchObject({ callId: callIds[0] });
    // Other messages and events are handled while the tool is stuck.
    browser.send({ type: 'voice.set', voice: 'ballad' });
    expect(await browser.next('voice.changed')).toEqual({ type: 'voice.changed', voice: 'ballad' });
    call.responseDone({ total_tokens: 10, input_tokens: 10, output_tokens: 0, input_token_details: { text_tokens: 10, audio_tokens: 0 }, output_token_details: { text_tokens: 0, audio_tokens: 0 } });
    await browser.next('cost.updated');
    expect(browser.of('tool.result')).toHaveLength(0);
    browser.send({ type: 'session.stop' });
    expect(await browser.next('session.ended')).toEqual({ type: 'session.ended', reason: 'client' });
    expect(call.hangups).toHaveLength(1);
    expect(call.clientEvents('conversation.item.create')).toHaveLength(0);
  });
});

describe('/session robustness: browser socket stays a browser socket', () => {
  it('never sends an OpenAI key or an ephemeral secret to the browser', async () => {
    const env = await startRealtimeApp();
    try {
      const { browser } = await env.startSession();
      browser.send({ type: 'session.stop' });
      await browser.closedWithin();
      const everything = JSON.stringify(browser.messages);
      expect(everything).not.toContain(env.fake.apiKey);
      expect(everything).not.toMatch(/ek_|client_secret/);
    } finally {
      await env.close();
    }
  });
});
