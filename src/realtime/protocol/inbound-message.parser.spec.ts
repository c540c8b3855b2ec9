import fc from 'fast-check';
import { parseInboundMessage } from './inbound-message.parser';
import { browserOffer, NON_PUBLIC_CANDIDATES, PUBLIC_CANDIDATE } from './offer.spec-support';

const OFFER = browserOffer();
const parse = (value: unknown) => parseInboundMessage(JSON.stringify(value), false);

describe('parseInboundMessage', () => {
  it('forwards an offer without its candidates for non-public addresses', () => {
    expect(parse({ type: 'session.start', sdp: browserOffer([NON_PUBLIC_CANDIDATES[3], PUBLIC_CANDIDATE]) })).toMatchObject({ ok: true, message: { sdp: OFFER } });
  });

  it('accepts the three contract messages', () => {
    expect(parse({ type: 'session.start', sdp: OFFER })).toMatchObject({ ok: true, message: { type: 'session.start', sdp: OFFER } });
    expect(parse({ type: 'session.start', sdp: OFFER, voice: 'cedar' })).toMatchObject({ ok: true, message: { voice: 'cedar' } });
    expect(parse({ type: 'voice.set', voice: 'ash' })).toMatchObject({ ok: true, message: { type: 'voice.set', voice: 'ash' } });
    expect(parse({ type: 'session.stop' })).toMatchObject({ ok: true, message: { type: 'session.stop' } });
  });

  it('accepts usage.seen, the page\'s count of response.done on its data channel', () => {
    const report = { type: 'usage.seen', responses: 3, inputTokens: 1200, outputTokens: 480 };
    expect(parse(report)).toMatchObject({ ok: true, message: report });
    expect(parse({ ...report, final: true })).toMatchObject({ ok: true, message: { final: true } });
  });

  it.each([
    ['binary frames', () => parseInboundMessage(Buffer.from('{"type":"session.stop"}'), true)],
    ['non-JSON', () => parseInboundMessage('{"type":', false)],
    ['a JSON array', () => parse([{ type: 'session.stop' }])],
    ['a JSON string', () => parse('session.stop')],
    ['null', () => parse(null)],
    ['a missing type', () => parse({ sdp: OFFER })],
    ['a non-string type', () => parse({ type: 7 })],
    ['an unknown type', () => parse({ type: 'response.create' })],
    ['an inherited-name type', () => parse({ type: 'toString' })],
    ['an unknown field', () => parse({ type: 'session.stop', extra: 1 })],
    ['a nested value', () => parse({ type: 'session.stop', deep: { a: 1 } })],
    ['a __proto__ key', () => parseInboundMessage('{"type":"session.stop","__proto__":{"polluted":true}}', false)],
    ['a constructor key', () => parseInboundMessage('{"type":"session.stop","constructor":"x"}', false)],
    ['an offer that is not SDP', () => parse({ type: 'session.start', sdp: 'hello' })],
    ['an offer without audio', () => parse({ type: 'session.start', sdp: 'v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\n' })],
    ['a trivial offer (no ICE, fingerprint or data channel)', () => parse({ type: 'session.start', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n' })],
    ['an offer over the size cap', () => parse({ type: 'session.start', sdp: OFFER + 'a=x\r\n'.repeat(8_000) })],
    ['an offer with control characters', () => parse({ type: 'session.start', sdp: `${OFFER}a=\u0000\r\n` })],
    ['a non-string offer', () => parse({ type: 'session.start', sdp: 5 })],
    ['a usage.seen without counts', () => parse({ type: 'usage.seen' })],
    ['a negative usage.seen count', () => parse({ type: 'usage.seen', responses: -1, inputTokens: 0, outputTokens: 0 })],
    ['a fractional usage.seen count', () => parse({ type: 'usage.seen', responses: 1.5, inputTokens: 0, outputTokens: 0 })],
    ['a usage.seen count as text', () => parse({ type: 'usage.seen', responses: '2', inputTokens: 0, outputTokens: 0 })],
    ['a huge usage.seen count', () => parse({ type: 'usage.seen', responses: 1e12, inputTokens: 0, outputTokens: 0 })],
    ['a usage.seen with a non-boolean final', () => parse({ type: 'usage.seen', responses: 1, inputTokens: 0, outputTokens: 0, final: 'yes' })],
  ])('refuses %s with bad_message', (_name, run) => {
    const result = run();
    expect(result).toMatchObject({ ok: false, code: 'bad_message' });
    expect((result as { message: string }).message.length).toBeGreaterThan(0);
  });

  it.each(['hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', '__defineGetter__', '__lookupSetter__', 'toLocaleString'])(
    'refuses an unknown field named after an Object.prototype member (%s), and never puts it on the message',
    (key) => {
      for (const text of [`{"type":"session.stop","${key}":0}`, `{"type":"voice.set","voice":"ash","${key}":false}`, `{"${key}":null,"type":"session.start","sdp":${JSON.stringify(OFFER)}}`]) {
        expect(parseInboundMessage(text, false)).toMatchObject({ ok: false, code: 'bad_message' });
      }
    },
  );

  it('refuses a voice outside the ten GA voices with invalid_voice', () => {
    expect(parse({ type: 'voice.set', voice: 'quack' })).toMatchObject({ ok: false, code: 'invalid_voice' });
    expect(parse({ type: 'voice.set' })).toMatchObject({ ok: false, code: 'invalid_voice' });
    expect(parse({ type: 'session.start', sdp: OFFER, voice: 'Marin' })).toMatchObject({ ok: false, code: 'invalid_voice' });
  });

  it('never pollutes Object.prototype', () => {
    parseInboundMessage('{"type":"session.stop","__proto__":{"polluted":true}}', false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('survives deeply nested JSON without recursion trouble', () => {
    const deep = `${'['.repeat(30_000)}${']'.repeat(30_000)}`;
    expect(parseInboundMessage(deep, false)).toMatchObject({ ok: false, code: 'bad_message' });
    const deepField = `{"type":"session.stop","x":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
    expect(parseInboundMessage(deepField, false)).toMatchObject({ ok: false, code: 'bad_message' });
  });

  it('answers any input with a result, never a throw (fuzzed)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((value) => JSON.stringify(value))), (text) => {
        const result = parseInboundMessage(text, false);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 2_000, seed: 4 },
    );
    fc.assert(
      fc.property(fc.record({ type: fc.constantFrom('session.start', 'voice.set', 'session.stop'), sdp: fc.anything(), voice: fc.anything() }, { requiredKeys: ['type'] }), (value) => {
        let text: string;
        try {
          text = JSON.stringify(value);
        } catch {
          return;
        }
        const result = parseInboundMessage(text, false);
        if (result.ok) expect(['session.start', 'voice.set', 'session.stop']).toContain(result.message.type);
      }),
      { numRuns: 2_000, seed: 5 },
    );
  });
});
