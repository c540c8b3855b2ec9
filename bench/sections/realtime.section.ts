import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { TOOL_CATALOG, ToolCatalog } from '../../src/common/session-ports';
import { FakeOpenAI } from '../../test/fakes/openai/fake-openai.server';
import { FakeRealtimeCall } from '../../test/fakes/openai/fake-realtime-call';
import { installRealtime } from '../../test/fakes/openai/realtime.handler';
import { FunctionCallItem, nextId, responseUsage, serverEvent } from '../../test/fakes/openai/realtime-events';
import { FakeOpenMeteo } from '../../test/fakes/weather/fake-open-meteo.server';
import { sleep } from '../../test/support/ports';
import { spawnApp } from '../../test/support/spawned-app';
import { BrowserSocket, TEST_OFFER } from '../../test/realtime/support/browser-socket';
import { ROOMY_LIMITS, startRealtimeApp } from '../../test/realtime/support/realtime-app';
import { IMAGE_NODE_OPTIONS } from '../../test/reliability/support/reliability-stack';
import { BenchRow, megabytes, micros, percentiles } from '../measure';

// The realtime module's figures:
// - server time added to a tool call: from the moment the fake OpenAI writes a completed
//   function call on the sideband to the moment it reads the function_call_output back, minus
//   the time the tool itself ran (timed around TOOL_CATALOG.run). What is left is our work —
//   parsing the event, de-duplication, tool.called/tool.result to the browser, building and
//   sending the output — plus loopback TLS both ways, so it is an upper bound;
// - memory per open session (browser socket + TLS sideband) in the built app, at 100 and 500.

const CA = join(__dirname, '..', '..', 'test', 'fakes', 'tls', 'ca.pem');
const OVERHEAD_ITERATIONS = 2_000;
const OVERHEAD_WARMUP = 200;

/** The fakes serve TLS from the test CA; this process (and the apps it spawns) must trust it. */
function trustTestCa(): void {
  setDefaultCACertificates([...getCACertificates('default'), readFileSync(CA, 'utf8')]);
  process.env.NODE_EXTRA_CA_CERTS = CA;
}

export async function realtimeSection(): Promise<BenchRow[]> {
  trustTestCa();
  const overhead = await toolCallOverhead();
  const memory = await memoryPerSession([100, 500]);
  return [
    { name: 'tool call: server time added, p50', value: micros(overhead.p50), target: 'p99 < 2 ms' },
    { name: 'tool call: server time added, p99', value: micros(overhead.p99), target: '< 2 ms', pass: overhead.p99 < 2_000 },
    ...memory.map(({ sessions, bytesPerSession }) => ({
      name: `memory per open session at ${sessions} (browser socket + TLS sideband)`,
      value: `${Math.round(bytesPerSession / 1024)} KB`,
      target: '< 250 KB',
      pass: bytesPerSession < 250 * 1024,
    })),
    ...memory.map(({ sessions, rssBytes }) => ({
      name: `process RSS with ${sessions} open sessions (built app, image NODE_OPTIONS)`,
      value: megabytes(rssBytes),
      ...(sessions === 100 ? { key: 'rss.sessions100', raw: rssBytes } : {}),
    })),
  ];
}

async function toolCallOverhead(): Promise<{ p50: number; p99: number }> {
  const env = await startRealtimeApp({
    LOG_LEVEL: 'error',
    // Thousands of calls in one session: no limit may end it mid-measurement.
    RATE_LIMIT_WEATHER_API: '100000/hour',
    COST_PROTECTION_MAX_SESSION_COST_USD: '10000',
    COST_PROTECTION_MAX_TOTAL_COST_PER_HOUR_USD: '10000',
    COST_PROTECTION_CIRCUIT_BREAKER_THRESHOLD_USD: '20000',
  });
  try {
    // Time the tool itself, so it can be taken out of the figure.
    const catalog = env.app.app.get<ToolCatalog>(TOOL_CATALOG);
    const run = catalog.run.bind(catalog);
    let toolMicros = 0;
    catalog.run = async (...args) => {
      const started = process.hrtime.bigint();
      try {
        return await run(...args);
      } finally {
        toolMicros = Number(process.hrtime.bigint() - started) / 1_000;
      }
    };

    const { browser, call } = await env.startSession();
    call.respondToCreate = false;
    const samples: number[] = [];
    for (let i = 0; i < OVERHEAD_WARMUP + OVERHEAD_ITERATIONS; i++) {
      const sample = await oneToolCall(call, browser, () => toolMicros);
      if (i >= OVERHEAD_WARMUP) samples.push(sample);
    }
    browser.send({ type: 'session.stop' });
    await browser.closedWithin();
    const { p50, p99 } = percentiles(samples);
    return { p50, p99 };
  } finally {
    await env.close();
  }
}

/** One completed function call in, its output out; µs of server time excluding the tool. */
async function oneToolCall(call: FakeRealtimeCall, browser: BrowserSocket, toolMicros: () => number): Promise<number> {
  const responseId = nextId('resp');
  const item: FunctionCallItem = {
    id: nextId('item'),
    object: 'realtime.item',
    type: 'function_call',
    status: 'completed',
    name: 'get_current_weather',
    call_id: nextId('call'),
    // Empty location: the real tool validates and answers without an upstream request.
    arguments: '{"location":""}',
  };
  let outputAt = 0;
  const output = call.waitForClientEvent(
    'conversation.item.create',
    (event) => {
      const matches = (event.item as { call_id?: string })?.call_id === item.call_id;
      if (matches) outputAt = performance.now();
      return matches;
    },
    5_000,
    call.received.length,
  );
  const sentAt = performance.now();
  call.emit(serverEvent('response.output_item.done', { response_id: responseId, output_index: 0, item }));
  await output;
  const elapsedMicros = (outputAt - sentAt) * 1_000 - toolMicros();
  // Close the batch as the API does (response.done with usage) and let metering settle.
  const costUpdates = browser.of('cost.updated').length;
  call.emit(serverEvent('response.done', { response: { id: responseId, object: 'realtime.response', status: 'completed', output: [item], usage: responseUsage() } }));
  await call.waitForClientEvent('response.create', () => true, 5_000, call.received.length - 1);
  while (browser.of('cost.updated').length === costUpdates) await sleep(0);
  return elapsedMicros;
}

async function memoryPerSession(steps: number[]): Promise<Array<{ sessions: number; bytesPerSession: number; rssBytes: number }>> {
  const fake = await FakeOpenAI.start();
  const realtime = installRealtime(fake, { answer: 'canned' });
  const weather = await FakeOpenMeteo.start();
  const app = await spawnApp({
    OPENAI_BASE_URL: fake.baseUrl,
    OPENAI_API_KEY: fake.apiKey,
    ...weather.env,
    ...ROOMY_LIMITS,
    RATE_LIMIT_WEBSOCKET: '100000/minute',
    COST_PROTECTION_SESSION_RESERVATION_USD: '0.001',
    COST_PROTECTION_MAX_TOTAL_COST_PER_HOUR_USD: '10000',
    COST_PROTECTION_CIRCUIT_BREAKER_THRESHOLD_USD: '20000',
    LOG_LEVEL: 'warn',
    // Measured as the container runs it.
    NODE_OPTIONS: IMAGE_NODE_OPTIONS,
  });
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${app.child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  const browsers: BrowserSocket[] = [];
  const open = async (count: number) => {
    for (let batch = 0; batch < count; batch += 25) {
      await Promise.all(
        Array.from({ length: Math.min(25, count - batch) }, async () => {
          const browser = await BrowserSocket.open(app.url);
          browser.send({ type: 'session.start', sdp: TEST_OFFER });
          await browser.next('session.started', 15_000);
          browsers.push(browser);
        }),
      );
    }
  };
  try {
    // Warm the paths once (JIT, pools, the first TLS handshakes), close, and measure from that
    // settled base. RSS includes heap headroom V8 grows in steps, so the figure at 100 carries
    // more noise than the one at 500.
    await open(10);
    for (const browser of browsers.splice(0)) browser.close();
    await sleep(2_000);
    const base = rss();
    const results: Array<{ sessions: number; bytesPerSession: number; rssBytes: number }> = [];
    for (const target of steps) {
      await open(target - browsers.length);
      await sleep(2_000);
      const live = realtime.callList.filter((call) => !call.ended && call.sidebands.size > 0).length;
      if (live < target) throw new Error(`only ${live} of ${target} sessions have a sideband`);
      const now = rss();
      results.push({ sessions: target, bytesPerSession: (now - base) / target, rssBytes: now });
    }
    return results;
  } finally {
    for (const browser of browsers) browser.close();
    await app.stop('SIGTERM');
    await realtime.closeAll();
    await fake.stop();
    await weather.stop();
  }
}
