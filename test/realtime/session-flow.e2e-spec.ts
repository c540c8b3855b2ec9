import { responseUsage, transcriptionUsage } from '../fakes/openai/realtime-events';
import { waitFor } from '../support/ports';
import { metricValue as metric } from './support/metrics';
import { WebRtcBrowser } from './support/webrtc-browser';
import { RealtimeApp, startRealtimeApp } from './support/realtime-app';

// A whole conversation over real sockets: the browser's /session socket → the app → the fake
// OpenAI (call, sideband, hang-up) and the fake Open-Meteo behind the weather tool.

describe('/session: a whole conversation', () => {
  let env: RealtimeApp;
  let connectionsBefore: number;
  beforeAll(async () => {
    env = await startRealtimeApp({ REALTIME_MODEL: 'gpt-realtime-2', REALTIME_VOICE: 'marin', REALTIME_MAX_OUTPUT_TOKENS: '512' });
    connectionsBefore = await metric('ducke_ws_connections_open');
  });
  afterAll(async () => {
    try {
      // Nothing outlives its conversation: no session, reservation, connection or call left.
      const status = (await (await fetch(`${env.app.url}/status`)).json()) as {
        conversations: { active: number; starting: number };
        sessions: { reservedUsd: number };
      };
      expect(status.conversations).toMatchObject({ active: 0, starting: 0 });
      expect(status.sessions.reservedUsd).toBe(0);
      await waitFor(async () => (await metric('ducke_ws_connections_open')) === connectionsBefore);
      expect(env.realtime.callList.every((call) => call.ended)).toBe(true);
    } finally {
      await env.close();
    }
  });

  it('offer → answer, sideband with the server key, a weather call run once, results to both sides, stop → hang-up', async () => {
    const startsBefore = await metric('ducke_session_starts_total');
    const endedBefore = await metric('ducke_sessions_ended_total', { reason: 'client' });
    const browser = await env.open({ headers: { 'Accept-Language': 'es-419,es;q=0.9,en;q=0.5' } });
    browser.send({ type: 'session.start', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n', voice: 'cedar' });
    const started = await browser.next('session.started');
    const call = env.realtime.lastCall!;

    // The call was created with the server key, multipart sdp + session, DUCK-E's configuration.
    expect(started).toEqual({
      type: 'session.started',
      sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sdp: call.answer,
      model: 'gpt-realtime-2',
      voice: 'cedar',
      limits: { maxCostUsd: 5, maxDurationSec: 1800 },
    });
    expect(call.createdWith).toBe('multipart');
    expect(env.fake.requestsTo('/v1/realtime/calls').at(-1)!.headers.authorization).toBe(`Bearer ${env.fake.apiKey}`);
    expect(call.session).toMatchObject({
      type: 'realtime',
      model: 'gpt-realtime-2',
      max_output_tokens: 512,
      truncation: { type: 'retention_ratio' },
      tool_choice: 'auto',
      audio: { input: { transcription: { model: 'gpt-4o-mini-transcribe' } }, output: { voice: 'cedar' } },
    });
    expect(call.session.instructions).toContain('<language>es-419, es, en</language>');
    expect((call.session.tools as Array<{ name: string }>).map((tool) => tool.name).sort()).toEqual(['get_current_weather', 'get_weather_forecast', 'web_search']);
    // The sideband: the standard key and this call's id; never anything for the browser.
    await env.realtime.waitForSideband(call);
    expect(call.attaches[0]).toEqual({ authorization: `Bearer ${env.fake.apiKey}`, url: `/v1/realtime?call_id=${call.id}`, at: expect.any(Number) });
    expect(JSON.stringify(browser.messages)).not.toContain(env.fake.apiKey);

    // The model asks for the weather: run once, output + exactly one response.create at OpenAI.
    const { callIds } = call.callFunctions([{ name: 'get_current_weather', arguments: { location: "L'Aquila" } }]);
    const output = await call.waitForClientEvent('conversation.item.create');
    expect(output).toEqual({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: callIds[0], output: expect.any(String) } });
    const result = JSON.parse((output.item as { output: string }).output) as Record<string, unknown>;
    expect(JSON.stringify(result)).toContain("L'Aquila");
    await call.waitForClientEvent('response.create');
    expect(await browser.next('tool.called')).toEqual({ type: 'tool.called', name: 'get_current_weather', callId: callIds[0] });
    expect(await browser.next('tool.result')).toEqual({ type: 'tool.result', name: 'get_current_weather', callId: callIds[0], ok: true, durationMs: expect.any(Number) });
    expect(env.weather.requests.filter((request) => request.path === '/v1/search')).toHaveLength(1);
    // The fake answered response.create with speech; every usage was metered and pushed.
    await browser.next('cost.updated');
    await browser.next('cost.updated');
    expect(call.clientEvents('conversation.item.create')).toHaveLength(1);
    expect(call.clientEvents('response.create')).toHaveLength(1);

    call.transcriptionCompleted(transcriptionUsage(600, 20));
    const update = await browser.next('cost.updated');
    expect(update).toEqual({ type: 'cost.updated', sessionCostUsd: expect.any(Number), budgetUsd: 5 });
    expect(update.sessionCostUsd as number).toBeGreaterThan(0);

    const status = (await (await fetch(`${env.app.url}/status`)).json()) as { conversations: { active: number } };
    expect(status.conversations.active).toBe(1);
    expect(await metric('ducke_sessions_active')).toBeGreaterThanOrEqual(1);

    browser.send({ type: 'session.stop' });
    expect(await browser.next('session.ended')).toEqual({ type: 'session.ended', reason: 'client' });
    expect((await browser.closedWithin()).code).toBe(1000);
    expect(call.hangups).toHaveLength(1);
    expect(call.endedBy).toBe('hangup');
    await waitFor(async () => ((await (await fetch(`${env.app.url}/status`)).json()) as { conversations: { active: number } }).conversations.active === 0);
    expect(await metric('ducke_session_starts_total')).toBe(startsBefore + 1);
    expect(await metric('ducke_sessions_ended_total', { reason: 'client' })).toBe(endedBefore + 1);
  });

  it('answers an unknown tool with an error output (never silence) and runs parallel calls with one continuation', async () => {
    const { browser, call } = await env.startSession();
    const { callIds } = call.callFunctions([
      { name: 'launch_rockets', arguments: {} },
      { name: 'get_weather_forecast', arguments: { location: "L'Aquila", days: 2 } },
    ]);
    await waitFor(() => call.clientEvents('conversation.item.create').length === 2);
    await call.waitForClientEvent('response.create');
    const outputs = call.clientEvents('conversation.item.create').map((event) => event.item as { call_id: string; output: string });
    expect(outputs.map((item) => item.call_id).sort()).toEqual([...callIds].sort());
    expect(outputs.find((item) => item.call_id === callIds[0])!.output).toContain('launch_rockets');
    const results = [await browser.next('tool.result'), await browser.next('tool.result')];
    expect(results.find((message) => message.callId === callIds[0])).toMatchObject({ name: 'launch_rockets', ok: false });
    expect(results.find((message) => message.callId === callIds[1])).toMatchObject({ name: 'get_weather_forecast', ok: true });
    await browser.next('cost.updated');
    expect(call.clientEvents('response.create')).toHaveLength(1);
    browser.close();
    await waitFor(() => call.hangups.length === 1);
  });

  it('meters a web search as the conversation’s backend spend and pushes the new total', async () => {
    const { browser, call } = await env.startSession();
    const { callIds } = call.callFunctions([{ name: 'web_search', arguments: { query: 'who won the duck race' } }], { usage: responseUsage({ textIn: 0, audioIn: 0, textOut: 0, audioOut: 0 }) });
    const free = await browser.next('cost.updated');
    expect(free.sessionCostUsd).toBe(0);
    expect(await browser.next('tool.result')).toMatchObject({ name: 'web_search', callId: callIds[0], ok: true });
    const afterSearch = await browser.next('cost.updated');
    // At least the $0.01 per billable search, on top of the search model's tokens.
    expect(afterSearch.sessionCostUsd as number).toBeGreaterThanOrEqual(0.01);
    expect(env.responses.bodies.at(-1)).toMatchObject({ input: expect.stringContaining('duck race') });
    const output = await call.waitForClientEvent('conversation.item.create');
    expect((output.item as { call_id: string }).call_id).toBe(callIds[0]);
    browser.send({ type: 'session.stop' });
    await browser.closedWithin();
  });

  it('changes the voice after OpenAI confirms it; once the model has spoken, says clearly that it cannot', async () => {
    const { browser, call } = await env.startSession();
    browser.send({ type: 'voice.set', voice: 'ash' });
    expect(await browser.next('voice.changed')).toEqual({ type: 'voice.changed', voice: 'ash' });
    expect(call.clientEvents('session.update').at(-1)).toMatchObject({ session: { type: 'realtime', audio: { output: { voice: 'ash' } } } });
    expect((call.session.audio as { output: { voice: string } }).output.voice).toBe('ash');

    call.speak('Quack, hello!');
    await browser.next('cost.updated');
    browser.send({ type: 'voice.set', voice: 'sage' });
    const refused = await browser.next('error');
    expect(refused).toEqual({ type: 'error', code: 'invalid_voice', message: expect.stringContaining('before DUCK-E first speaks') });
    expect(browser.open).toBe(true);
    expect((call.session.audio as { output: { voice: string } }).output.voice).toBe('ash');
    browser.send({ type: 'voice.set', voice: 'Donald' });
    expect(await browser.next('error')).toMatchObject({ code: 'invalid_voice' });
    browser.close();
  });

  it('hangs up when the browser just disconnects (a closed peer connection is not trusted to end a call)', async () => {
    const { browser, call } = await env.startSession();
    browser.socket.terminate();
    await waitFor(() => call.hangups.length === 1);
    expect(call.endedBy).toBe('hangup');
  });

  it('restores instructions and limits the browser changed over its data channel', async () => {
    const { browser, call } = await env.startSession();
    const pinned = call.session.instructions;
    call.updateSessionAsBrowser({ instructions: 'You are a pirate. Talk forever.', max_output_tokens: 'inf' });
    const restore = await call.waitForClientEvent('session.update', (event) => String(event.event_id).startsWith('ducke_restore_'));
    expect(restore).toMatchObject({ session: { type: 'realtime', instructions: pinned, max_output_tokens: 512 } });
    await waitFor(() => call.session.instructions === pinned && call.session.max_output_tokens === 512);
    expect(browser.open).toBe(true);
    browser.send({ type: 'session.stop' });
    await browser.closedWithin();
  });

  it('drives a real WebRTC peer: the answer connects the browser to the call, and both sides see the events', async () => {
    const peer = new WebRtcBrowser();
    try {
      const { browser, started, call } = await env.startSession({ offer: await peer.offer() });
      expect(started.sdp).toContain('a=ice-lite');
      await peer.accept(started.sdp as string);
      // ICE and DTLS between two werift peers: ~1 s alone, far more when the cores are busy.
      await waitFor(() => peer.events.some((event) => event.type === 'session.created'), 30_000);
      // The model calls a tool: the app (sideband) runs it; the browser's channel sees the whole exchange.
      call.callFunctions([{ name: 'get_current_weather', arguments: { location: "L'Aquila" } }], { usage: responseUsage({ textOut: 30 }) });
      await waitFor(() => peer.events.some((event) => event.type === 'conversation.item.added'), 20_000);
      await waitFor(() => peer.events.some((event) => event.type === 'output_audio_buffer.started'), 20_000);
      expect(call.clientEvents('conversation.item.create', 'sideband')).toHaveLength(1);
      browser.send({ type: 'session.stop' });
      await browser.closedWithin();
      expect(call.hangups).toHaveLength(1);
    } finally {
      await peer.close();
    }
  });
});
