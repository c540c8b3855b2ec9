import type { ConfigType } from '@nestjs/config';
import type { openaiConfig } from '../../src/config/openai.config';
import type { realtimeConfig } from '../../src/config/realtime.config';
import { RealtimeCallsClient } from '../../src/realtime/openai/realtime-calls.client';
import { RealtimeUpstreamError } from '../../src/realtime/openai/realtime-upstream.error';
import type { RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import { SidebandAttachError, SidebandClient } from '../../src/realtime/openai/sideband.client';
import { FakeOpenAI } from '../fakes/openai/fake-openai.server';
import { FakeRealtime, installRealtime } from '../fakes/openai/realtime.handler';
import { OpenAiFaults } from '../reliability/support/openai-faults';
import { freePort, waitFor } from '../support/ports';

// The two OpenAI client classes against the fake over real TLS: what goes on the wire, and how
// each upstream failure surfaces.

const OFFER = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';

function configFor(baseUrl: string, apiKey = 'sk-test-duck-e'): ConfigType<typeof openaiConfig> {
  return { apiKey, baseUrl, webSearchModel: 'gpt-5.4-mini' };
}

/** The sideband's heartbeat: 20 s as by default, or shorter where a test waits for it. */
function heartbeat(heartbeatIntervalMs = 20_000): ConfigType<typeof realtimeConfig> {
  return { heartbeatIntervalMs } as ConfigType<typeof realtimeConfig>;
}

describe('RealtimeCallsClient', () => {
  let fake: FakeOpenAI;
  let realtime: FakeRealtime;
  let client: RealtimeCallsClient;
  beforeAll(async () => {
    fake = await FakeOpenAI.start();
    realtime = installRealtime(fake);
    client = new RealtimeCallsClient(configFor(fake.baseUrl));
  });
  afterAll(() => fake.stop());

  it('creates a call with the server key, multipart sdp + session, and reads the call id from Location', async () => {
    const { callId, answer } = await client.create(OFFER, { type: 'realtime', model: 'gpt-realtime-2', instructions: 'quack' });
    const call = realtime.calls.get(callId)!;
    expect(call).toBeDefined();
    expect(answer).toBe(call.answer);
    expect(call.createdWith).toBe('multipart');
    expect(call.offer).toBe(OFFER);
    expect(call.session).toMatchObject({ type: 'realtime', model: 'gpt-realtime-2', instructions: 'quack' });
    expect(fake.requestsTo('/v1/realtime/calls').at(-1)!.headers.authorization).toBe('Bearer sk-test-duck-e');
  });

  it('reports 5xx and 429 as retryable, 4xx as not, never retrying a create', async () => {
    realtime.createFailures.push({ status: 503 }, { status: 429, code: 'rate_limit_exceeded' }, { status: 400, code: 'invalid_offer' });
    const before = fake.requestsTo('/v1/realtime/calls').length;
    await expect(client.create(OFFER, { type: 'realtime' })).rejects.toMatchObject({ status: 503, retryable: true });
    await expect(client.create(OFFER, { type: 'realtime' })).rejects.toMatchObject({ status: 429, code: 'rate_limit_exceeded', retryable: true });
    await expect(client.create(OFFER, { type: 'realtime' })).rejects.toMatchObject({ status: 400, code: 'invalid_offer', retryable: false });
    expect(fake.requestsTo('/v1/realtime/calls').length - before).toBe(3);
  });

  it('reports an unreachable upstream as a retryable network error', async () => {
    const nowhere = new RealtimeCallsClient(configFor(`https://127.0.0.1:${await freePort()}/v1`));
    const error = await nowhere.create(OFFER, { type: 'realtime' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RealtimeUpstreamError);
    expect(error).toMatchObject({ code: 'network', retryable: true });
  });

  it('hangs up a live call, treats an unknown call as already ended, and retries a failing hang-up', async () => {
    const { callId } = await client.create(OFFER, { type: 'realtime' });
    expect(await client.hangup(callId)).toBe('hung_up');
    expect(realtime.calls.get(callId)!.ended).toBe(true);
    expect(await client.hangup(callId)).toBe('already_ended');

    const second = await client.create(OFFER, { type: 'realtime' });
    realtime.refuseHangup = 500;
    try {
      await expect(client.hangup(second.callId)).rejects.toMatchObject({ status: 500, retryable: true });
      expect(realtime.calls.get(second.callId)!.hangups).toHaveLength(3);
    } finally {
      realtime.refuseHangup = undefined;
    }
  });
});

describe('SidebandClient', () => {
  let fake: FakeOpenAI;
  let realtime: FakeRealtime;
  let calls: RealtimeCallsClient;
  let sideband: SidebandClient;
  beforeAll(async () => {
    fake = await FakeOpenAI.start();
    realtime = installRealtime(fake);
    calls = new RealtimeCallsClient(configFor(fake.baseUrl));
    sideband = new SidebandClient(configFor(fake.baseUrl), heartbeat());
  });
  afterAll(() => fake.stop());

  function recorder() {
    const events: RealtimeServerEvent[] = [];
    const closes: number[] = [];
    let malformed = 0;
    return {
      events,
      closes,
      get malformed() {
        return malformed;
      },
      listener: { onEvent: (event: RealtimeServerEvent) => events.push(event), onMalformed: () => malformed++, onClose: (code: number) => closes.push(code) },
    };
  }

  it('attaches with the standard key to wss://…/realtime?call_id=, receives events and sends client events', async () => {
    expect(sideband.urlFor('rtc_1')).toBe(`wss://127.0.0.1:${fake.port}/v1/realtime?call_id=rtc_1`);
    const { callId } = await calls.create(OFFER, { type: 'realtime' });
    const rec = recorder();
    const connection = await sideband.attach(callId, rec.listener);
    const call = realtime.calls.get(callId)!;
    expect(call.attaches[0]).toMatchObject({ authorization: 'Bearer sk-test-duck-e', url: `/v1/realtime?call_id=${callId}` });
    await waitFor(() => rec.events.some((event) => event.type === 'session.created'));

    expect(connection.send({ type: 'response.create' })).toBe(true);
    await call.waitForClientEvent('response.create');
    call.emitRaw('not json {');
    call.emitRaw('[1,2]');
    await waitFor(() => rec.malformed === 2);

    call.dropSidebands();
    await waitFor(() => rec.closes.length === 1);
    expect(rec.closes).toEqual([1006]);
    expect(connection.open).toBe(false);
    expect(connection.send({ type: 'response.create' })).toBe(false);
  });

  it('tells a call OpenAI no longer knows (404) from a failed attach', async () => {
    const gone = await sideband.attach('rtc_unknown', recorder().listener).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(SidebandAttachError);
    expect(gone).toMatchObject({ status: 404, callGone: true });

    const { callId } = await calls.create(OFFER, { type: 'realtime' });
    realtime.attachFailures.push(503);
    await expect(sideband.attach(callId, recorder().listener)).rejects.toMatchObject({ status: 503, callGone: false });

    const wrongKey = new SidebandClient(configFor(fake.baseUrl, 'sk-wrong'), heartbeat());
    await expect(wrongKey.attach(callId, recorder().listener)).rejects.toMatchObject({ status: 401, callGone: false });

    const unreachable = new SidebandClient(configFor(`https://127.0.0.1:${await freePort()}/v1`), heartbeat());
    await expect(unreachable.attach(callId, recorder().listener)).rejects.toMatchObject({ status: undefined, callGone: false });
  });

  it('closes cleanly on our side, and reports OpenAI ending the call as a close', async () => {
    const { callId } = await calls.create(OFFER, { type: 'realtime' });
    const rec = recorder();
    const connection = await sideband.attach(callId, rec.listener);
    connection.close();
    await waitFor(() => rec.closes.length === 1);
    expect(rec.closes).toEqual([1000]);

    const again = recorder();
    await sideband.attach(callId, again.listener);
    realtime.calls.get(callId)!.endFromOpenAI();
    await waitFor(() => again.closes.length === 1);
    await expect(sideband.attach(callId, recorder().listener)).rejects.toMatchObject({ callGone: true });
  });

  it('terminates a sideband that goes silent without closing (no pong, no event) within two heartbeats', async () => {
    const faults = new OpenAiFaults(fake, realtime);
    const quick = new SidebandClient(configFor(fake.baseUrl), heartbeat(200));
    const { callId } = await calls.create(OFFER, { type: 'realtime' });
    const rec = recorder();
    await quick.attach(callId, rec.listener);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(rec.closes).toEqual([]); // a healthy sideband answers its pings
    const silenced = Date.now();
    faults.silence(realtime.calls.get(callId)!);
    await waitFor(() => rec.closes.length === 1, 4_000, 10);
    expect(rec.closes).toEqual([1006]);
    expect(Date.now() - silenced).toBeLessThan(2_000); // a missed heartbeat, not the socket's own timeout
    faults.release();
  });
});
