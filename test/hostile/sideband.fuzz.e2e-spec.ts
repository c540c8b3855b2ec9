import fc from 'fast-check';
import { placeNameProblem, searchQueryProblem } from '../../src/tools/validation/text-rules';
import { FunctionCallItem, nextId, responseUsage, serverEvent } from '../fakes/openai/realtime-events';
import { LiveSession, RealtimeApp, startRealtimeApp } from '../realtime/support/realtime-app';
import { sleep } from '../support/ports';

// Correctness, not speed: 10,000 runs take about a minute alone and many more on a busy machine.
const FUZZ_TIMEOUT_MS = 900_000;

// The other side of a conversation fuzzed: what the model (through OpenAI's sideband) sends the
// server. Tool calls with fuzzed names, call ids and arguments go through the whole chain —
// sideband parsing, the tool registry's validation, the rate limiter, the weather and search
// clients, cost metering of backend spend — and arbitrary server events of every type hit the
// session's event handling (fast-check, fixed seeds, 10,000 runs each). Every call gets exactly
// one output, only valid values leave for the weather API and the Responses API, the spend shown
// to the browser stays a finite, never-decreasing number, and the conversation lives on.

const RUNS = 10_000;
const SEED = 20_261_126;
const TOOLS = ['get_current_weather', 'get_weather_forecast', 'web_search'] as const;

const hostileText = fc.constantFrom(
  "L'Aquila",
  'São Paulo',
  'Union City, NJ',
  'Tokyo',
  'price of AT&T stock',
  'https://evil.example/',
  '<script>alert(1)</script>',
  'Paris\r\nHost: evil.example',
  '127.0.0.1',
  '${jndi:ldap://x/a}',
  "'; DROP TABLE users; --",
  '\u202Eevil',
  '',
  'a'.repeat(10_000),
  '東'.repeat(101),
);
const text = fc.oneof(hostileText, fc.string({ maxLength: 120 }), fc.string({ unit: 'grapheme', maxLength: 60 }), fc.string({ minLength: 95, maxLength: 310 }));
const anyValue = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom(NaN, Infinity, -0, 1e308), fc.array(fc.anything(), { maxLength: 3 }), fc.object({ maxDepth: 2 }));
const argumentsJson = fc.oneof(
  { weight: 5, arbitrary: fc.record({ location: fc.oneof(text, anyValue), query: fc.oneof(text, anyValue), days: fc.oneof(fc.integer({ min: -2, max: 10 }), anyValue) }, { requiredKeys: [] }).map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'location', 'query', 'days')), anyValue, { maxKeys: 4 }).map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.oneof(fc.string(), fc.constantFrom('', '{', 'null', '[]', '{"__proto__":{"location":"Paris"}}', '{"location":"Paris","location":"<b>"}')) },
);
const toolName = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...TOOLS) }, fc.string({ maxLength: 200 }), fc.constantFrom('__proto__', 'constructor', 'toString', ''));
const callId = fc.oneof({ weight: 4, arbitrary: fc.constant(null).map(() => nextId('call')) }, fc.string({ minLength: 1, maxLength: 300 }).map((id) => `${id}${nextId('')}`));

describe('fuzzed sideband: the model’s tool calls and server events (fast-check, 10,000 runs each, fixed seed)', () => {
  let env: RealtimeApp;
  let live: LiveSession;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    env = await startRealtimeApp({
      LOG_LEVEL: 'fatal',
      RATE_LIMIT_WEATHER_API: '1000000/hour',
      RATE_LIMIT_WEB_SEARCH: '1000000/hour',
      COST_PROTECTION_MAX_SESSION_COST_USD: '100000',
      COST_PROTECTION_MAX_TOTAL_COST_PER_HOUR_USD: '1000000',
      COST_PROTECTION_CIRCUIT_BREAKER_THRESHOLD_USD: '2000000',
    });
    live = await env.startSession();
    live.call.respondToCreate = false;
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await env.close();
  });

  /** Every request the tools sent upstream since `from`: only values the schemas allow. */
  function checkOutbound(weatherFrom: number, searchFrom: number): void {
    for (const request of env.weather.requests.slice(weatherFrom)) {
      if (request.path === '/v1/search') expect(placeNameProblem(request.query.get('name'))).toBeUndefined();
      else {
        expect(request.path).toBe('/v1/forecast');
        const days = Number(request.query.get('forecast_days') ?? 1);
        expect(Number.isInteger(days) && days >= 1 && days <= 7).toBe(true);
      }
    }
    for (const body of env.responses.bodies.slice(searchFrom)) expect(searchQueryProblem(body.input)).toBeUndefined();
  }

  /** Every cost.updated so far: a finite amount that never goes down. */
  function checkCost(): void {
    let last = 0;
    for (const update of live.browser.of('cost.updated')) {
      const cost = update.sessionCostUsd as number;
      expect(Number.isFinite(cost) && cost >= last).toBe(true);
      last = cost;
    }
  }

  it('tool calls: exactly one output per call, only valid values reach the weather and search APIs', async () => {
    await fc.assert(
      fc.asyncProperty(toolName, callId, argumentsJson, async (name, id, args) => {
        const weatherFrom = env.weather.requests.length;
        const searchFrom = env.responses.bodies.length;
        const from = live.call.received.length;
        const responseId = nextId('resp');
        const item: FunctionCallItem = { id: nextId('item'), object: 'realtime.item', type: 'function_call', status: 'completed', name, call_id: id, arguments: args };
        live.call.emit(serverEvent('response.output_item.done', { response_id: responseId, output_index: 0, item }));
        live.call.emit(serverEvent('response.done', { response: { id: responseId, object: 'realtime.response', status: 'completed', output: [item], usage: responseUsage() } }));
        const keptId = id.slice(0, 128);
        const output = await live.call.waitForClientEvent('conversation.item.create', (event) => (event.item as { call_id?: string }).call_id === keptId, 5_000, from);
        const result = JSON.parse((output.item as { output: string }).output) as Record<string, unknown>;
        expect(typeof result).toBe('object');
        // One response.create continues the conversation, after the output.
        await live.call.waitForClientEvent('response.create', () => true, 5_000, from);
        const outputs = live.call.received.slice(from).filter((r) => r.event.type === 'conversation.item.create' && (r.event.item as { call_id?: string }).call_id === keptId);
        expect(outputs).toHaveLength(1);
        checkOutbound(weatherFrom, searchFrom);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    checkCost();
    expect(env.weather.requests.length).toBeGreaterThan(100);
    expect(env.responses.bodies.length).toBeGreaterThan(100);
  }, FUZZ_TIMEOUT_MS);

  it('arbitrary server events of every type: ignored or handled, never fatal; the conversation carries on', async () => {
    const types = fc.constantFrom(
      'session.created',
      'session.updated',
      'response.created',
      'response.output_item.done',
      'response.done',
      'conversation.item.input_audio_transcription.completed',
      'output_audio_buffer.started',
      'response.output_audio.delta',
      'error',
      'rate_limits.updated',
      'conversation.item.added',
    );
    const event = fc.tuple(fc.oneof({ weight: 5, arbitrary: types }, fc.string({ maxLength: 30 })), fc.dictionary(fc.constantFrom('response', 'item', 'usage', 'session', 'error', 'item_id', 'content_index', 'response_id', 'delta', '__proto__'), fc.anything({ maxDepth: 3 }), { maxKeys: 4 }));
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(event, async ([type, fields]) => {
        let frame: string;
        try {
          frame = JSON.stringify({ ...fields, type, event_id: nextId('event') });
        } catch {
          return; // not representable as JSON (e.g. a BigInt): nothing to send
        }
        live.call.emitRaw(frame);
        // Now and then: the conversation still answers, in order, after everything sent so far
        // (at the browser's own message rate: under 5 a second).
        if (++sent % 500 === 0) {
          await sleep(200);
          const reply = live.browser.next('voice.changed', 5_000);
          live.browser.send({ type: 'voice.set', voice: 'marin' });
          await reply;
        }
      }),
      { numRuns: RUNS, seed: SEED + 1 },
    );
    expect(live.browser.open).toBe(true);
    expect(live.browser.of('session.ended')).toEqual([]);
    checkCost();
    live.browser.send({ type: 'session.stop' });
    expect(await live.browser.next('session.ended')).toEqual({ type: 'session.ended', reason: 'client' });
    expect(unhandled).toEqual([]);
  }, FUZZ_TIMEOUT_MS);
});
