import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeOpenAI } from '../fakes/openai/fake-openai.server';
import { FakeRealtime, installRealtime } from '../fakes/openai/realtime.handler';
import { installResponses, ResponsesFake } from '../fakes/openai/responses.handler';
import { FakeOpenMeteo } from '../fakes/weather/fake-open-meteo.server';
import { ROOT } from '../support/spawned-app';

// `npm run probe` end to end against the local fakes: the built command (dist/probe), a real
// WebRTC call answered by werift, the sideband over TLS with the test CA, the Responses API and
// Open-Meteo fakes. Nothing leaves 127.0.0.1. In blind-sideband mode the fake keeps the
// browser's responses from the sideband, and the probe must fail naming that assumption.

const PROBE_JS = join(ROOT, 'dist', 'probe', 'probe.command.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface Report {
  findings: Array<{ id: string; verdict: string; observed: string }>;
  responses: Array<{ startedBy: string; seenOnSideband: boolean; seenOnDatachannel: boolean; costUsd?: number }>;
  events: Array<{ type: string; datachannel: number; sideband: number }>;
  hangups: Array<{ status: number | null; body: string }>;
  maxSpendUsd: number;
  spentUsd: number;
  exitCode: number;
}

describe('npm run probe', () => {
  let fake: FakeOpenAI;
  let realtime: FakeRealtime;
  let responses: ResponsesFake;
  let weather: FakeOpenMeteo;
  let dir: string;

  beforeAll(async () => {
    fake = await FakeOpenAI.start();
    realtime = installRealtime(fake, { voice: true });
    responses = installResponses(fake);
    weather = await FakeOpenMeteo.start();
    // A folder without a .env: the probe reads only what each test gives it.
    dir = mkdtempSync(join(tmpdir(), 'ducke-probe-'));
  });

  afterEach(() => {
    realtime.blindSideband = false;
  });

  afterAll(async () => {
    await realtime.closeAll();
    await fake.stop();
    await weather.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function probe(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
    const child = spawn(process.execPath, [PROBE_JS, ...args], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS,
        OPENAI_BASE_URL: fake.baseUrl,
        OPENAI_API_KEY: fake.apiKey,
        ...weather.env,
        ...env,
      } as NodeJS.ProcessEnv,
      // No terminal on stdin, as in CI.
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  }

  const readReport = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Report;
  const verdicts = (report: Report) => Object.fromEntries(report.findings.map((finding) => [finding.id, finding.verdict]));

  it('refuses to run without OPENAI_API_KEY, says so, and sends nothing', async () => {
    const before = fake.requests.length;
    const run = await probe(['--yes'], { OPENAI_API_KEY: undefined });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('OPENAI_API_KEY is not set');
    expect(fake.requests.length).toBe(before);
  });

  it('says what it will spend, and without a terminal to ask on refuses unless --yes', async () => {
    const before = fake.requests.length;
    const run = await probe([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/It will spend at most \$\d+\.\d{4}/);
    expect(run.stderr).toContain('run it with --yes');
    expect(fake.requests.length).toBe(before);
    expect(realtime.calls.size).toBe(0);
  });

  it('checks every assumption against the fake, prints the table, writes the JSON and exits 0', async () => {
    const out = join(dir, 'report.json');
    const searchesBefore = responses.bodies.length;
    const weatherBefore = weather.requests.length;
    const callsBefore = realtime.calls.size;
    const run = await probe(['--yes', '--out', out]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.stringContaining('It will spend at most') });

    expect(run.stdout).toMatch(/assumption +\| expected +\| observed +\| verdict/);
    expect(run.stdout).toContain('Every assumption DUCK-E relies on held.');
    const report = readReport(out);
    expect(report.exitCode).toBe(0);
    expect(report.findings.filter((finding) => finding.verdict !== 'pass' && finding.verdict !== 'info')).toEqual([]);
    expect(verdicts(report)).toMatchObject({
      'call.create': 'pass',
      'call.media': 'pass',
      'sideband.attach': 'pass',
      'response.server_on_sideband': 'pass',
      'response.browser_on_sideband': 'pass',
      'response.on_datachannel': 'pass',
      'usage.priceable': 'pass',
      'voice.before_audio': 'pass',
      'voice.after_audio': 'pass',
      'transcription.on_sideband': 'pass',
      'hangup.first': 'pass',
      'hangup.second': 'pass',
      'web_search.complete': 'pass',
      'weather.open-meteo': 'pass',
    });
    // Both responses priced with the price book; what was spent stays under what was announced.
    expect(report.responses.map((response) => [response.startedBy, response.seenOnDatachannel, response.seenOnSideband])).toEqual([
      ['sideband', true, true],
      ['datachannel', true, true],
    ]);
    for (const response of report.responses) expect(response.costUsd).toBeGreaterThan(0);
    expect(report.spentUsd).toBeGreaterThan(0);
    expect(report.spentUsd).toBeLessThanOrEqual(report.maxSpendUsd);
    // Which connection saw what, event type by event type.
    const events = Object.fromEntries(report.events.map((count) => [count.type, count]));
    expect(events['response.done']).toMatchObject({ datachannel: 2, sideband: 2 });
    expect(events['session.created'].sideband).toBe(1);
    expect(events['conversation.item.input_audio_transcription.completed'].sideband).toBeGreaterThanOrEqual(1);
    // Both hang-ups, with what the API answered.
    expect(report.hangups.map((hangup) => hangup.status)).toEqual([200, 404]);
    expect(report.hangups[1].body).toContain('call_id_not_found');
    expect(report.findings.find((finding) => finding.id === 'hangup.first')?.observed).toContain('sideband closed (1000)');

    // What the fakes saw: one call, made and hung up by the probe, five searches, one look-up.
    expect(realtime.calls.size).toBe(callsBefore + 1);
    const call = realtime.lastCall!;
    expect(call.createdWith).toBe('multipart');
    expect(call.hangups).toHaveLength(2);
    expect(call.attaches[0].authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(call.clientEvents('response.create', 'sideband')).toHaveLength(1);
    expect(call.clientEvents('response.create', 'datachannel')).toHaveLength(1);
    expect((call.peer?.micPackets ?? 0)).toBeGreaterThan(10);
    expect(responses.bodies.length - searchesBefore).toBe(5);
    expect(weather.requests.length).toBeGreaterThan(weatherBefore);
  });

  it('reports a refused call with OpenAI\'s words, leaves the call checks unchecked, and still checks the tools', async () => {
    realtime.createFailures.push({ status: 400, message: "Unknown parameter: 'session.audio.output.speeed'.", code: 'unknown_parameter' });
    const out = join(dir, 'refused.json');
    const searchesBefore = responses.bodies.length;
    const run = await probe(['--yes', '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAILED: call.create');
    const report = readReport(out);
    const create = report.findings.find((finding) => finding.id === 'call.create')!;
    expect(create).toMatchObject({ verdict: 'fail', observed: expect.stringContaining("Unknown parameter: 'session.audio.output.speeed'") });
    expect(verdicts(report)).toMatchObject({ 'sideband.attach': 'unchecked', 'response.browser_on_sideband': 'unchecked', 'hangup.first': 'unchecked', 'web_search.complete': 'pass', 'weather.open-meteo': 'pass' });
    // No call existed, so nothing was hung up; the searches ran all the same.
    expect(report.hangups).toEqual([]);
    expect(responses.bodies.length - searchesBefore).toBe(5);
  });

  it('exits non-zero naming the assumption when the sideband does not see browser-started responses', async () => {
    realtime.blindSideband = true;
    const out = join(dir, 'blind.json');
    const run = await probe(['--yes', `--out=${out}`]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAILED: response.browser_on_sideband');
    expect(run.stdout).toMatch(/response\.browser_on_sideband: .*\| seen on the data channel only +\| FAIL/);
    const report = readReport(out);
    expect(report.exitCode).toBe(1);
    expect(verdicts(report)).toMatchObject({ 'response.server_on_sideband': 'pass', 'response.browser_on_sideband': 'fail' });
    expect(report.findings.filter((finding) => finding.verdict === 'fail').map((finding) => finding.id)).toEqual(['response.browser_on_sideband']);
    expect(report.responses.find((response) => response.startedBy === 'datachannel')).toMatchObject({ seenOnDatachannel: true, seenOnSideband: false });
  });
});
