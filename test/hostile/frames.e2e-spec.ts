import { TEST_OFFER } from '../realtime/support/browser-socket';
import { sleep } from '../support/ports';
import { LiveSession, RealtimeApp, startRealtimeApp } from '../realtime/support/realtime-app';
import { frame, Opcode, RawWebSocket } from './support/raw-socket';

// Hostile frames and messages on /session (issue 9): oversized frames (1009, also when split
// into fragments), binary frames, WebSocket protocol violations (unmasked frames, bad UTF-8,
// oversized control frames, reserved bits and opcodes), deeply nested JSON, prototype keys,
// unknown types, a huge offer, a second session.start. Each gets a clear answer — an `error`
// with the connection kept, or the protocol's close code — the server stays up, the one live
// conversation beside them never notices, and no call is created by any of them.

const KIB = 1024;

describe('hostile frames and messages on /session', () => {
  let env: RealtimeApp;
  let bystander: LiveSession;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    env = await startRealtimeApp();
    bystander = await env.startSession();
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await env.close();
  });
  afterEach(async () => {
    // After every hostile input: the server answers and the bystander's conversation carries on.
    expect((await fetch(`${env.app.url}/status`)).status).toBe(200);
    await sleep(200); // the bystander keeps to its own message rate (5 a second)
    bystander.browser.send({ type: 'voice.set', voice: 'marin' });
    expect(await bystander.browser.next('voice.changed')).toEqual({ type: 'voice.changed', voice: 'marin' });
    expect(env.realtime.calls.size).toBe(1);
    expect(unhandled).toEqual([]);
  });

  const open = () => RawWebSocket.open(env.app.port, env.app.url);
  const text = (payload: string | Buffer, options: Partial<Parameters<typeof frame>[1]> = {}) => frame(payload, { opcode: Opcode.Text, ...options });

  /** Send frames on a fresh connection; wait for `answers` text replies (parsed). */
  async function answersTo(frames: Buffer[], answers = frames.length): Promise<{ replies: Array<{ type: string; code?: string; message?: string }>; ws: RawWebSocket }> {
    const ws = await open();
    for (const data of frames) ws.write(data);
    const deadline = Date.now() + 5_000;
    while (ws.texts.length < answers && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    return { replies: ws.texts.map((reply) => JSON.parse(reply) as { type: string; code?: string; message?: string }), ws };
  }

  it.each([
    ['a 64 KiB frame of text that is not JSON', text('x'.repeat(64 * KIB))],
    ['a binary frame', frame(Buffer.from('{"type":"session.stop"}'), { opcode: Opcode.Binary })],
    ['JSON nested 30,000 deep', text(`${'['.repeat(30_000)}${']'.repeat(30_000)}`)],
    ['a deeply nested field', text(`{"type":"session.stop","x":${'{"a":'.repeat(8_000)}1${'}'.repeat(8_000)}}`)],
    ['a __proto__ key', text('{"type":"session.stop","__proto__":{"polluted":true}}')],
    ['a constructor.prototype key', text('{"type":"voice.set","voice":"ash","constructor":{"prototype":{"polluted":true}}}')],
    ['a prototype key', text('{"type":"session.stop","prototype":1}')],
    ['an unknown type', text('{"type":"response.create"}')],
    ['an inherited-name type', text('{"type":"hasOwnProperty"}')],
    ['a type that is not text', text('{"type":["session.start"]}')],
    ['an offer over 32 KiB', text(JSON.stringify({ type: 'session.start', sdp: TEST_OFFER + 'a=x\r\n'.repeat(8 * KIB) }))],
    ['an offer with a NUL byte', text(JSON.stringify({ type: 'session.start', sdp: `${TEST_OFFER}a=\u0000\r\n` }))],
    ['an offer that is not text', text('{"type":"session.start","sdp":{"v":0}}')],
    ['a voice outside the ten', text('{"type":"session.start","sdp":"v=0\\r\\nm=audio 9 RTP 0\\r\\n","voice":"../../../etc/passwd"}')],
  ])('%s → error, connection kept, no call', async (_what, data) => {
    const { replies, ws } = await answersTo([data]);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ type: 'error', code: expect.stringMatching(/^(bad_message|invalid_voice)$/), message: expect.any(String) });
    expect(ws.closeCode).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    ws.destroy();
  });

  it.each([
    ['a frame over 64 KiB', 1009, [text('x'.repeat(64 * KIB + 1))]],
    ['fragments adding up to over 64 KiB', 1009, [text('x'.repeat(40 * KIB), { fin: false }), frame('y'.repeat(40 * KIB), { opcode: Opcode.Continuation })]],
    ['a huge offer (over the frame limit)', 1009, [text(JSON.stringify({ type: 'session.start', sdp: TEST_OFFER + 'a=x\r\n'.repeat(14 * KIB) }))]],
    ['text that is not UTF-8', 1007, [text(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]))]],
    ['an unmasked frame', 1002, [text('{"type":"session.stop"}', { masked: false })]],
    ['a ping over 125 bytes', 1002, [frame('p'.repeat(126), { opcode: Opcode.Ping })]],
    ['a reserved opcode', 1002, [frame('x', { opcode: 0x3 })]],
    ['a reserved bit (no extension agreed)', 1002, [text('{"type":"session.stop"}', { rsv: 4 })]],
    ['a continuation with nothing to continue', 1002, [frame('x', { opcode: Opcode.Continuation })]],
    ['a close with an invalid code', 1002, [frame(Buffer.from([0x03, 0xe7]), { opcode: Opcode.Close })]],
  ])('%s → closed with %i, nothing created', async (_what, code, frames) => {
    const ws = await open();
    for (const data of frames) ws.write(data);
    expect(await ws.closedWithin(5_000)).toBe(code);
  });

  it('a second session.start → already_started, one call only, the conversation goes on', async () => {
    const { browser } = await env.startSession();
    browser.send({ type: 'session.start', sdp: TEST_OFFER });
    expect(await browser.next('error')).toMatchObject({ code: 'already_started' });
    expect(env.realtime.calls.size).toBe(2);
    browser.send({ type: 'voice.set', voice: 'cedar' });
    expect(await browser.next('voice.changed')).toEqual({ type: 'voice.changed', voice: 'cedar' });
    browser.send({ type: 'session.stop' });
    expect(await browser.next('session.ended')).toEqual({ type: 'session.ended', reason: 'client' });
    await browser.closedWithin();
    // The afterEach counts live calls at the fake: this test's one has ended, drop it.
    env.realtime.calls.delete(env.realtime.lastCall!.id);
  });
});
