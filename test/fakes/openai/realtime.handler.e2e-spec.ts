import { createServer } from 'node:http';
import { Browser, chromium } from 'playwright-core';
import { WebSocket } from 'ws';
import { FakeOpenAI } from './fake-openai.server';
import { FakeRealtime, installRealtime } from './realtime.handler';
import { responseUsage } from './realtime-events';
import { waitFor } from '../../support/ports';
import { WebRtcBrowser } from '../../realtime/support/webrtc-browser';

// The fake Realtime API must behave like the real one where the app depends on it; these tests
// pin that behaviour (wire paths, status codes, event shapes, the WebRTC answer).

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--disable-features=WebRtcHideLocalIpsWithMdns'];

// Browser-side scripts (page.evaluate strings: the test program has no DOM types).
const BROWSER_OFFER = `(async () => {
  const pc = new RTCPeerConnection();
  window.pc = pc;
  window.events = [];
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  pc.addTrack(stream.getTracks()[0], stream);
  const channel = pc.createDataChannel('oai-events');
  channel.onmessage = (message) => {
    window.events.push(JSON.parse(message.data));
    if (window.events.length === 1) channel.send(JSON.stringify({ type: 'response.create' }));
  };
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') resolve();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
  });
  return pc.localDescription.sdp;
})()`;
const INBOUND_AUDIO_PACKETS = `window.pc.getStats().then((stats) => {
  let count = 0;
  stats.forEach((report) => { if (report.type === 'inbound-rtp' && report.kind === 'audio') count = report.packetsReceived || 0; });
  return count;
})`;

const OFFER = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';

async function createCall(fake: FakeOpenAI, sdp = OFFER, session: Record<string, unknown> = { type: 'realtime', model: 'gpt-realtime-2' }, key = fake.apiKey) {
  const form = new FormData();
  form.set('sdp', sdp);
  form.set('session', JSON.stringify(session));
  return fetch(`${fake.baseUrl}/realtime/calls`, { method: 'POST', headers: { Authorization: `Bearer ${key}` }, body: form });
}

function openSideband(fake: FakeOpenAI, callId: string, key = fake.apiKey): Promise<{ socket: WebSocket; events: Array<Record<string, unknown>> }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`wss://127.0.0.1:${fake.port}/v1/realtime?call_id=${callId}`, { headers: { Authorization: `Bearer ${key}` } });
    const events: Array<Record<string, unknown>> = [];
    socket.on('message', (data) => events.push(JSON.parse(data.toString()) as Record<string, unknown>));
    socket.once('open', () => resolve({ socket, events }));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.once('error', reject);
  });
}

describe('fake OpenAI Realtime API', () => {
  let fake: FakeOpenAI;
  let realtime: FakeRealtime;
  beforeAll(async () => {
    fake = await FakeOpenAI.start();
    realtime = installRealtime(fake);
  });
  afterAll(async () => {
    await realtime.closeAll();
    await fake.stop();
  });

  it('creates a call from multipart sdp + session: 201, an SDP answer and the call id in Location', async () => {
    const response = await createCall(fake, OFFER, { type: 'realtime', model: 'gpt-realtime-2', instructions: 'be a duck' });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/sdp');
    const location = response.headers.get('location') ?? '';
    expect(location).toMatch(/^\/v1\/realtime\/calls\/rtc_[0-9a-f]{32}$/);
    expect(await response.text()).toMatch(/^v=0/);
    const call = realtime.calls.get(location.split('/').pop()!)!;
    expect(call.createdWith).toBe('multipart');
    expect(call.offer).toBe(OFFER);
    expect(call.session).toMatchObject({ type: 'realtime', model: 'gpt-realtime-2', instructions: 'be a duck' });
  });

  it('accepts a raw application/sdp body, refuses a non-SDP offer, a session without type and a wrong key', async () => {
    const raw = await fetch(`${fake.baseUrl}/realtime/calls`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${fake.apiKey}`, 'Content-Type': 'application/sdp' },
      body: OFFER,
    });
    expect(raw.status).toBe(201);
    expect(realtime.lastCall?.createdWith).toBe('sdp');
    expect((await createCall(fake, 'hello')).status).toBe(400);
    expect((await createCall(fake, OFFER, { model: 'x' })).status).toBe(400);
    expect((await createCall(fake, OFFER, { type: 'realtime' }, 'sk-wrong')).status).toBe(401);
  });

  it('refuses a session config with an unknown or misspelled field, as the real API does (400 invalid_request_error)', async () => {
    const calls = realtime.calls.size;
    const typo = await createCall(fake, OFFER, { type: 'realtime', model: 'gpt-realtime-2', audio: { output: { voise: 'marin' } } });
    expect(typo.status).toBe(400);
    expect(await typo.json()).toEqual({
      error: { message: "Unknown parameter: 'session.audio.output.voise'.", type: 'invalid_request_error', param: 'session.audio.output.voise', code: 'unknown_parameter' },
    });
    // Beta-era names are unknown to the GA API too; so is a misspelled field inside a tool.
    const beta = await createCall(fake, OFFER, { type: 'realtime', voice: 'marin' });
    expect(((await beta.json()) as { error: { param: string } }).error.param).toBe('session.voice');
    const tool = await createCall(fake, OFFER, { type: 'realtime', tools: [{ type: 'function', name: 'x', descripton: 'y', parameters: {} }] });
    expect(((await tool.json()) as { error: { param: string } }).error.param).toBe('session.tools[0].descripton');
    expect(realtime.calls.size).toBe(calls);
    // Every field the SDK declares is accepted.
    const full = await createCall(fake, OFFER, {
      type: 'realtime',
      model: 'gpt-realtime-2',
      instructions: 'be a duck',
      output_modalities: ['audio'],
      max_output_tokens: 512,
      truncation: { type: 'retention_ratio', retention_ratio: 0.8, token_limits: { post_instructions: 8000 } },
      tools: [{ type: 'function', name: 'x', description: 'y', parameters: {} }],
      tool_choice: 'auto',
      audio: { input: { transcription: { model: 'gpt-4o-mini-transcribe', language: 'en' }, noise_reduction: { type: 'near_field' } }, output: { voice: 'marin', speed: 1 } },
      reasoning: { effort: 'low' },
    });
    expect(full.status).toBe(201);
  });

  it('fails creates on demand with OpenAI’s error shape', async () => {
    realtime.createFailures.push({ status: 503, message: 'overloaded' });
    const response = await createCall(fake);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: { message: 'overloaded', type: 'server_error', code: null, param: null } });
  });

  it('runs the sideband: Bearer key, session.created, session.update → session.updated, scripted tool calls, usage', async () => {
    const callId = (await createCall(fake)).headers.get('location')!.split('/').pop()!;
    await expect(openSideband(fake, callId, 'sk-wrong')).rejects.toThrow('HTTP 401');
    await expect(openSideband(fake, 'rtc_unknown')).rejects.toThrow('HTTP 404');
    const { socket, events } = await openSideband(fake, callId);
    const call = realtime.calls.get(callId)!;
    expect(call.attaches[0].authorization).toBe(`Bearer ${fake.apiKey}`);
    await waitFor(() => events.some((event) => event.type === 'session.created'));

    socket.send(JSON.stringify({ type: 'session.update', session: { audio: { output: { voice: 'cedar' } } } }));
    await waitFor(() => events.some((event) => event.type === 'error' && (event.error as { param: string }).param === 'session.type'));
    socket.send(JSON.stringify({ type: 'session.update', event_id: 'evt_typo', session: { type: 'realtime', audio: { output: { voice: 'cedar', sped: 2 } } } }));
    const typo = await waitFor(() => events.find((event) => event.type === 'error' && (event.error as { event_id: string }).event_id === 'evt_typo'));
    expect(typo.error).toMatchObject({ type: 'invalid_request_error', code: 'unknown_parameter', param: 'session.audio.output.sped' });
    socket.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', audio: { output: { voice: 'cedar' } } } }));
    const updated = await waitFor(() => events.find((event) => event.type === 'session.updated'));
    expect(updated.session).toMatchObject({ type: 'realtime', audio: { output: { voice: 'cedar' } } });

    const { callIds } = call.callFunctions([{ name: 'get_current_weather', arguments: { location: 'Paris' } }], { usage: responseUsage({ textOut: 7 }) });
    const done = await waitFor(() => events.find((event) => event.type === 'response.done'));
    expect(done.response).toMatchObject({ status: 'completed', output: [{ type: 'function_call', call_id: callIds[0], name: 'get_current_weather', arguments: '{"location":"Paris"}' }] });
    expect((done.response as { usage: { output_token_details: { text_tokens: number } } }).usage.output_token_details.text_tokens).toBe(7);

    socket.send(JSON.stringify({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: callIds[0], output: '{"ok":true}' } }));
    socket.send(JSON.stringify({ type: 'response.create' }));
    await call.waitForClientEvent('response.create');
    await waitFor(() => events.some((event) => event.type === 'output_audio_buffer.started'));
    expect(call.spoke).toBe(true);
    expect(call.clientEvents('conversation.item.create')).toHaveLength(1);

    // Once the model has spoken, the voice can no longer change (as on the real API).
    socket.send(JSON.stringify({ type: 'session.update', event_id: 'v1', session: { type: 'realtime', audio: { output: { voice: 'ash' } } } }));
    const refused = await waitFor(() => events.find((event) => event.type === 'error' && (event.error as { code: string }).code === 'cannot_update_voice'));
    expect((refused.error as { event_id: string }).event_id).toBe('v1');
    socket.close();
  });

  it('hangs up: the sideband closes 1000, the call is gone (404 on re-attach and on a second hang-up)', async () => {
    const callId = (await createCall(fake)).headers.get('location')!.split('/').pop()!;
    const { socket } = await openSideband(fake, callId);
    const closed = new Promise<number>((resolve) => socket.once('close', resolve));
    const hangup = await fetch(`${fake.baseUrl}/realtime/calls/${callId}/hangup`, { method: 'POST', headers: { Authorization: `Bearer ${fake.apiKey}` } });
    expect(hangup.status).toBe(200);
    expect(await closed).toBe(1000);
    expect(realtime.calls.get(callId)).toMatchObject({ ended: true, endedBy: 'hangup' });
    await expect(openSideband(fake, callId)).rejects.toThrow('HTTP 404');
    const again = await fetch(`${fake.baseUrl}/realtime/calls/${callId}/hangup`, { method: 'POST', headers: { Authorization: `Bearer ${fake.apiKey}` } });
    expect(again.status).toBe(404);
    expect(realtime.calls.get(callId)!.hangups).toHaveLength(2);
  });

  it('drops a sideband without ending the call, so the app can re-attach', async () => {
    const callId = (await createCall(fake)).headers.get('location')!.split('/').pop()!;
    const { socket } = await openSideband(fake, callId);
    const closed = new Promise<number>((resolve) => socket.once('close', resolve));
    realtime.calls.get(callId)!.dropSidebands();
    expect(await closed).toBe(1006);
    const again = await openSideband(fake, callId);
    expect(realtime.calls.get(callId)!.attaches).toHaveLength(2);
    again.socket.close();
  });

  it('answers a real WebRTC offer with werift (ICE-lite) and mirrors events between data channel and sideband', async () => {
    const browser = new WebRtcBrowser();
    const response = await createCall(fake, await browser.offer());
    expect(response.status).toBe(201);
    const answer = await response.text();
    expect(answer).toContain('a=ice-lite');
    expect(answer).toMatch(/a=candidate:.* 127\.0\.0\.1 \d+ typ host/);
    const callId = response.headers.get('location')!.split('/').pop()!;
    await browser.accept(answer);
    await waitFor(() => browser.events.some((event) => event.type === 'session.created'), 10_000);
    expect(browser.pc.connectionState).toBe('connected');

    const { socket, events } = await openSideband(fake, callId);
    // Browser → OpenAI over the data channel: the server sees the effect on its sideband.
    browser.send({ type: 'session.update', session: { type: 'realtime', instructions: 'changed by the browser' } });
    const updated = await waitFor(() => events.find((event) => event.type === 'session.updated'));
    expect(updated.session).toMatchObject({ instructions: 'changed by the browser' });
    expect(realtime.calls.get(callId)!.clientEvents('session.update', 'datachannel')).toHaveLength(1);
    // Server → OpenAI over the sideband: the browser sees the events on its data channel.
    socket.send(JSON.stringify({ type: 'response.create' }));
    await waitFor(() => browser.events.some((event) => event.type === 'response.done'));

    // The fake's hang-up closes the peer connection too.
    await fetch(`${fake.baseUrl}/realtime/calls/${callId}/hangup`, { method: 'POST', headers: { Authorization: `Bearer ${fake.apiKey}` } });
    await waitFor(() => realtime.calls.get(callId)!.peer!.connectionState === 'closed');
    socket.close();
    await browser.close();
  });
  it('in blind-sideband mode keeps the responses the browser starts from the sideband, and only those', async () => {
    realtime.blindSideband = true;
    const browser = new WebRtcBrowser();
    try {
      const response = await createCall(fake, await browser.offer());
      const callId = response.headers.get('location')!.split('/').pop()!;
      await browser.accept(await response.text());
      await waitFor(() => browser.events.some((event) => event.type === 'session.created'), 10_000);
      const { socket, events } = await openSideband(fake, callId);
      const done = (list: Array<Record<string, unknown>>) => list.filter((event) => event.type === 'response.done').map((event) => (event.response as { id: string }).id);

      browser.send({ type: 'response.create' });
      await waitFor(() => done(browser.events).length === 1);
      socket.send(JSON.stringify({ type: 'response.create' }));
      await waitFor(() => done(browser.events).length === 2);
      await waitFor(() => done(events).length === 1);
      // The server-started response reached both; the browser-started one only the data channel.
      expect(done(events)).toEqual([done(browser.events)[1]]);
      expect(events.filter((event) => event.response_id === done(browser.events)[0])).toEqual([]);
      // Other events (session.updated after a browser update) still reach the sideband.
      browser.send({ type: 'session.update', session: { type: 'realtime', instructions: 'still seen' } });
      await waitFor(() => events.some((event) => event.type === 'session.updated'));
      socket.close();
    } finally {
      realtime.blindSideband = false;
      await browser.close();
    }
  });
});

describe('fake OpenAI Realtime API with headless Chromium', () => {
  let fake: FakeOpenAI;
  let realtime: FakeRealtime;
  let browser: Browser;
  beforeAll(async () => {
    fake = await FakeOpenAI.start();
    realtime = installRealtime(fake);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await realtime.closeAll();
    await fake.stop();
  });

  it('connects a real browser peer: ICE-lite answer, oai-events channel, microphone RTP received, echo played back', async () => {
    const page = await browser.newPage();
    // getUserMedia needs a secure context: http://127.0.0.1 is one, about:blank is not.
    const blank = createServer((_req, res) => res.end('<!doctype html><title>offer</title>'));
    await new Promise<void>((resolve) => blank.listen(0, '127.0.0.1', resolve));
    await page.goto(`http://127.0.0.1:${(blank.address() as { port: number }).port}/`);
    blank.close();
    // The page builds its offer like DUCK-E's page does (fake microphone, oai-events channel).
    const offer = (await page.evaluate(BROWSER_OFFER)) as string;
    const response = await createCall(fake, offer);
    expect(response.status).toBe(201);
    const answer = await response.text();
    const call = realtime.calls.get(response.headers.get('location')!.split('/').pop()!)!;
    await page.evaluate(`window.pc.setRemoteDescription({ type: 'answer', sdp: ${JSON.stringify(answer)} })`);

    await waitFor(async () => (await page.evaluate('window.pc.connectionState')) === 'connected', 15_000);
    await waitFor(() => call.clientEvents('response.create', 'datachannel').length === 1, 10_000);
    const types = await waitFor(async () => {
      const events = (await page.evaluate('window.events.map((event) => event.type)')) as string[];
      return events.includes('response.done') && events;
    }, 10_000);
    expect(types[0]).toBe('session.created');
    await waitFor(() => call.peer!.micPackets > 10, 10_000);
    const received = await waitFor(async () => {
      const packets = (await page.evaluate(INBOUND_AUDIO_PACKETS)) as number;
      return packets > 10 && packets;
    }, 10_000);
    expect(received).toBeGreaterThan(10);
    await page.close();
  });
});
