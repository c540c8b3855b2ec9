import fc from 'fast-check';
import { REALTIME_VOICES } from '../../src/config/realtime.config';
import type { FakeRealtimeCall } from '../fakes/openai/fake-realtime-call';
import { LoadClient, ServerMessage, uniqueOffer } from '../reliability/support/load-client';
import { FakeOpenAI } from '../fakes/openai/fake-openai.server';
import { installRealtime } from '../fakes/openai/realtime.handler';
import { installResponses } from '../fakes/openai/responses.handler';
import { FakeOpenMeteo } from '../fakes/weather/fake-open-meteo.server';
import { RealtimeApp, startRealtimeApp } from '../realtime/support/realtime-app';
import { TEST_OFFER } from '../realtime/support/browser-socket';

// Correctness, not speed: 10,000 runs take about a minute alone and many more on a busy machine.
const FUZZ_TIMEOUT_MS = 900_000;

// Every browser → server message type of /session fuzzed over real WebSockets into the real app
// (fast-check, fixed seeds, 10,000 runs per type, plus 10,000 arbitrary frames): each frame gets
// the answer an independent oracle of docs/protocol.md predicts — the message acted on, or an `error`
// with the connection left open — nothing crashes, nothing rejects unhandled, and only valid
// values reach OpenAI (every offer in a call creation, every voice in a session.update).

const RUNS = 10_000;
const SEED = 20_261_125;
/** Messages per connection: under the 20-message burst, so the per-connection limit never drops one. */
const PER_CONNECTION = 18;
const VOICES: readonly string[] = REALTIME_VOICES;
const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'];

// ---- the oracle: docs/protocol.md, written independently of the parser ------

type Verdict = { kind: 'invalid' } | { kind: 'start'; sdp: string; voice?: string } | { kind: 'voice'; voice: string } | { kind: 'stop' } | { kind: 'usage' };

/** A usage.seen count: a whole number 0–10⁹. */
const validCount = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 1_000_000_000;

function validOffer(sdp: unknown): sdp is string {
  if (typeof sdp !== 'string' || sdp.length > 32 * 1024 || !/^v=0\r?\n/.test(sdp) || !/\r?\nm=audio /.test(sdp)) return false;
  // No control characters but tab, CR and LF (C0, DEL, C1).
  const printable = [...sdp].every((char) => {
    const code = char.codePointAt(0)!;
    return char === '\t' || char === '\r' || char === '\n' || !(code < 0x20 || (code >= 0x7f && code <= 0x9f));
  });
  return printable && browserShaped(sdp);
}

/** README "Messages": an audio m-line, ICE ufrag and password, a DTLS fingerprint, the data channel. */
function browserShaped(sdp: string): boolean {
  const lines = sdp.split(/\r?\n/);
  const some = (pattern: RegExp) => lines.some((line) => pattern.test(line));
  return (
    some(/^m=audio \d+ [A-Z/]*RTP\/S?AVPF? /) &&
    some(/^a=ice-ufrag:\S{4,256}$/) &&
    some(/^a=ice-pwd:\S{22,256}$/) &&
    some(/^a=fingerprint:[A-Za-z0-9-]+ [0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2})+$/) &&
    some(/^m=application \d+ [A-Z/]*DTLS\/SCTP webrtc-datachannel$/)
  );
}

function oracle(text: string, binary: boolean): Verdict {
  if (binary) return { kind: 'invalid' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'invalid' };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { kind: 'invalid' };
  const fields = value as Record<string, unknown>;
  const keys = Object.keys(fields);
  if (keys.some((key) => FORBIDDEN_KEYS.includes(key) || (fields[key] !== null && typeof fields[key] === 'object'))) return { kind: 'invalid' };
  const only = (allowed: string[]) => keys.every((key) => allowed.includes(key));
  switch (fields.type) {
    case 'session.start': {
      const voice = fields.voice;
      if (!only(['type', 'sdp', 'voice']) || !validOffer(fields.sdp)) return { kind: 'invalid' };
      if (voice !== undefined && voice !== null && !(typeof voice === 'string' && VOICES.includes(voice))) return { kind: 'invalid' };
      return { kind: 'start', sdp: fields.sdp, voice: typeof voice === 'string' ? voice : undefined };
    }
    case 'voice.set':
      return only(['type', 'voice']) && typeof fields.voice === 'string' && VOICES.includes(fields.voice) ? { kind: 'voice', voice: fields.voice } : { kind: 'invalid' };
    case 'session.stop':
      return only(['type']) ? { kind: 'stop' } : { kind: 'invalid' };
    case 'usage.seen': {
      const counted = validCount(fields.responses) && validCount(fields.inputTokens) && validCount(fields.outputTokens);
      const final = fields.final === undefined || fields.final === null || typeof fields.final === 'boolean';
      return only(['type', 'responses', 'inputTokens', 'outputTokens', 'final']) && counted && final ? { kind: 'usage' } : { kind: 'invalid' };
    }
    default:
      return { kind: 'invalid' };
  }
}

// ---- what is thrown at the server ---------------------------------------------------------------

const anyValue = fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.object({ maxDepth: 2, maxKeys: 3 }));
const voiceLike = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...VOICES) },
  fc.constantFrom('Marin', 'MARIN', ' marin', 'marin\n', 'quack', '', '../../etc/passwd', 'marin\u0000', 'cedar;rm -rf /', '<script>', 'alloy'.repeat(1000)),
  anyValue,
);
const sdpLike = fc.oneof(
  // A valid offer starts a conversation (the costly path): common enough to run hundreds of times.
  { weight: 1, arbitrary: fc.constant(null).map(() => uniqueOffer()) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
    'hello',
    'v=0',
    'v=0\r\nm=video 9 RTP 96\r\n',
    TEST_OFFER.replace('m=audio', 'm=video'),
    `${TEST_OFFER}a=\u0000\r\n`,
    `${TEST_OFFER}a=\u001b[31m\r\n`,
    `${TEST_OFFER}${'a=x\r\n'.repeat(7_000)}`,
    ` ${TEST_OFFER}`,
    TEST_OFFER.replaceAll('\r\n', '\n'),
    `${TEST_OFFER}a=ok\u2028\r\n`,
    ),
  },
  { weight: 2, arbitrary: fc.tuple(fc.string({ maxLength: 60 }), fc.nat({ max: 200 })).map(([noise, at]) => `${TEST_OFFER.slice(0, at)}${noise}${TEST_OFFER.slice(at)}`) },
  anyValue,
);
const extraKeys = fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...FORBIDDEN_KEYS, 'toString', 'hasOwnProperty', 'sdp', 'voice', 'type')), anyValue, { maxKeys: 2 });

/** JSON text for an object built from `fields`, sometimes with extra keys, sometimes raw prototype keys. */
function asFrame(fields: fc.Arbitrary<Record<string, unknown>>, plainWeight = 6, extraWeight = 2): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: plainWeight, arbitrary: fields.map((value) => JSON.stringify(value)) },
    { weight: extraWeight, arbitrary: fc.tuple(fields, extraKeys).map(([value, extra]) => JSON.stringify({ ...extra, ...value })) },
    { weight: 1, arbitrary: fields.map((value) => JSON.stringify(value).replace(/^\{/, '{"__proto__":{"polluted":true},')) },
    { weight: 1, arbitrary: fields.map((value) => JSON.stringify(value).replace(/^\{/, '{"constructor":{"prototype":{"polluted":true}},')) },
  );
}

const startFrames = asFrame(fc.record({ type: fc.constant('session.start'), sdp: sdpLike, voice: voiceLike }, { requiredKeys: ['type'] }));
const voiceFrames = asFrame(fc.record({ type: fc.constant('voice.set'), voice: voiceLike }, { requiredKeys: ['type'] }));
const countLike = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 1_000_000_000 }) },
  fc.constantFrom(-1, -0, 1.5, 1e9 + 1, 1e12, '2', Number.MAX_SAFE_INTEGER),
  anyValue,
);
const usageFrames = asFrame(
  fc.record({ type: fc.constant('usage.seen'), responses: countLike, inputTokens: countLike, outputTokens: countLike, final: fc.oneof(fc.boolean(), anyValue) }, { requiredKeys: ['type'] }),
);
// The exact stop ends the conversation (and the next run starts another): about one run in ten.
const stopFrames = asFrame(fc.record({ type: fc.constant('session.stop') }, { requiredKeys: ['type'] }), 1, 8);
const anyFrames = fc.oneof(
  fc.string(),
  fc.json(),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.constantFrom('', '{', '[]', 'null', '{"type":"response.create"}', '{"type":"session.update","session":{}}', '{"type":"toString"}', '{"type":""}', `${'['.repeat(30_000)}${']'.repeat(30_000)}`, `{"type":"session.stop","x":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`),
  asFrame(fc.record({ type: fc.oneof(fc.string({ maxLength: 20 }), anyValue), sdp: sdpLike, voice: voiceLike }, { requiredKeys: [] })),
);

// ---- one browser connection at a time, replaced when used up ------------------------------------

describe('fuzzed /session messages (fast-check, 10,000 runs per message type, fixed seed)', () => {
  let env: RealtimeApp;
  let shared: Parameters<typeof startRealtimeApp>[1] & object;
  let client: LoadClient | undefined;
  let used = 0;
  let live = false;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  const verdicts = new Map<string, number>();

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    // Canned answers: noise in a synthetic offer must not make the fake start a werift peer.
    const fake = await FakeOpenAI.start();
    shared = { fake, realtime: installRealtime(fake, { answer: 'canned' }), responses: installResponses(fake), weather: await FakeOpenMeteo.start() };
    env = await startRealtimeApp({ LOG_LEVEL: 'fatal', RATE_LIMIT_WEBSOCKET: '1000000/minute', COST_PROTECTION_SESSION_RESERVATION_USD: '0.001', COST_PROTECTION_MAX_TOTAL_COST_PER_HOUR_USD: '100000', COST_PROTECTION_CIRCUIT_BREAKER_THRESHOLD_USD: '200000' });
  });
  afterAll(async () => {
    await retire();
    await env.close();
    await shared.realtime.closeAll();
    await Promise.all([shared.fake.stop(), shared.weather.stop()]);
    process.off('unhandledRejection', onUnhandled);
  });

  async function retire(): Promise<void> {
    const old = client;
    client = undefined;
    live = false;
    if (!old) return;
    if (old.open) await old.stop().catch(() => old.terminate());
  }

  /** A connection with room for one more message; with a running conversation when `wantLive`. */
  async function connection(wantLive: boolean): Promise<LoadClient> {
    if (!client || !client.open || used >= PER_CONNECTION || live !== wantLive) {
      await retire();
      client = await LoadClient.open(env.app.url);
      used = 0;
      if (wantLive) {
        await client.start();
        used = 1;
        live = true;
      }
    }
    used++;
    return client;
  }

  function callWithOffer(offer: string): FakeRealtimeCall | undefined {
    return env.realtime.callList.reverse().find((call) => call.offer === offer);
  }

  /** Send one frame and check the answer against the oracle. */
  async function check(frame: string | Buffer, binary: boolean, wantLive: boolean): Promise<void> {
    const socket = await connection(wantLive);
    const verdict = oracle(typeof frame === 'string' ? frame : '', binary);
    verdicts.set(verdict.kind, (verdicts.get(verdict.kind) ?? 0) + 1);
    const reply = socket.next(['error', 'session.started', 'voice.changed', 'session.ended'], 10_000);
    socket.sendRaw(frame, binary);
    if (verdict.kind === 'usage') {
      // A valid report gets no answer: the reply is the one to a frame sent right after it.
      used++;
      socket.sendRaw('{', false);
      expect(await reply).toMatchObject({ type: 'error', code: 'bad_message', message: 'The message is not valid JSON.' });
      expect(socket.open).toBe(true);
      return;
    }
    if (verdict.kind === 'stop' && !live) {
      // session.stop before any conversation: the connection is simply closed, normally.
      await expect(reply).rejects.toThrow(/closed \(1000\)/);
      client = undefined;
      return;
    }
    const message: ServerMessage = await reply;

    if (verdict.kind === 'invalid' || (verdict.kind === 'voice' && !live) || (verdict.kind === 'start' && live)) {
      expect(message.type).toBe('error');
      const expectedCodes = verdict.kind === 'start' ? ['already_started'] : verdict.kind === 'voice' ? ['bad_message'] : ['bad_message', 'invalid_voice'];
      expect(expectedCodes).toContain(message.code);
      expect(typeof message.message).toBe('string');
      expect(socket.open).toBe(true);
      return;
    }
    switch (verdict.kind) {
      case 'start': {
        expect(message.type).toBe('session.started');
        live = true;
        // The offer travels as a multipart text field: UTF-8 (a lone surrogate arrives as U+FFFD)
        // with line breaks as CRLF, as SDP wants them anyway.
        const call = callWithOffer(Buffer.from(verdict.sdp, 'utf8').toString('utf8').replace(/\r(?!\n)|(?<!\r)\n/g, '\r\n'));
        expect(call).toBeDefined();
        expect((call!.session.audio as { output: { voice: string } }).output.voice).toBe(verdict.voice ?? 'marin');
        break;
      }
      case 'voice':
        expect(message).toEqual({ type: 'voice.changed', voice: verdict.voice });
        break;
      case 'stop':
        expect(message).toEqual({ type: 'session.ended', reason: 'client' });
        live = false;
        client = undefined;
        break;
    }
  }

  it('session.start: an error for every invalid start (connection kept), a call only for valid offers and voices', async () => {
    await fc.assert(fc.asyncProperty(startFrames, (frame) => check(frame, false, false)), { numRuns: RUNS, seed: SEED });
  }, FUZZ_TIMEOUT_MS);

  it('voice.set: voice.changed only for one of the ten voices, an error otherwise (connection kept)', async () => {
    await fc.assert(fc.asyncProperty(voiceFrames, (frame) => check(frame, false, true)), { numRuns: RUNS, seed: SEED + 1 });
  }, FUZZ_TIMEOUT_MS);

  it('session.stop: only the exact message stops (the connection, or a conversation), an error otherwise', async () => {
    // On connections without a conversation (a conversation per run would make this the slowest
    // test by far); stopping running conversations is exercised by the other runs' clean-ups.
    await fc.assert(fc.asyncProperty(stopFrames, (frame) => check(frame, false, false)), { numRuns: RUNS, seed: SEED + 2 });
  }, FUZZ_TIMEOUT_MS);

  it('usage.seen: silently taken only with whole counts 0–10⁹ and a boolean final, an error otherwise (connection kept)', async () => {
    // On connections without a conversation: a valid report there is ignored, so a large count
    // cannot end the call of a later run (the tripwire itself is tested in test/realtime).
    await fc.assert(fc.asyncProperty(usageFrames, (frame) => check(frame, false, false)), { numRuns: RUNS, seed: SEED + 4 });
  }, 300_000);

  it('arbitrary text and binary frames: an error and the connection kept, whatever they are', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 4, arbitrary: anyFrames.map((text) => [text, false] as const) }, fc.uint8Array({ maxLength: 64 }).map((bytes) => [Buffer.from(bytes), true] as const)), ([frame, binary]) =>
        check(frame, binary, true),
      ),
      { numRuns: RUNS, seed: SEED + 3 },
    );
  }, FUZZ_TIMEOUT_MS);

  it('sent OpenAI only valid offers and voices, crashed nowhere, polluted nothing', async () => {
    await retire();
    for (const call of env.realtime.callList) {
      expect(validOffer(call.offer)).toBe(true);
      expect(VOICES).toContain((call.session.audio as { output: { voice: string } }).output.voice);
      for (const update of call.clientEvents('session.update')) {
        const voice = (update.session as { audio?: { output?: { voice?: unknown } } }).audio?.output?.voice;
        if (voice !== undefined) expect(VOICES).toContain(voice);
      }
    }
    expect(verdicts.get('start')).toBeGreaterThan(300);
    expect(verdicts.get('voice')).toBeGreaterThan(1_000);
    expect(verdicts.get('stop')).toBeGreaterThan(500);
    expect(verdicts.get('usage')).toBeGreaterThan(500);
    expect(verdicts.get('invalid')).toBeGreaterThan(10_000);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(unhandled).toEqual([]);
    expect((await fetch(`${env.app.url}/status`)).status).toBe(200);
  });
});
