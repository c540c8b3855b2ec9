import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '../support/ports';
import { MAIN_JS, ROOT, runBuiltApp, spawnApp } from '../support/spawned-app';

// The operator's first minutes, on the built service exactly as the container runs it: what is
// missing and what is misspelt is said at start-up, /status says whether conversations can
// happen, the log ends its start-up with a summary and its life with a shutdown line, and it
// is JSON for collectors and readable lines on a terminal.

interface LogLine {
  level: number;
  context?: string;
  msg: string;
}

const WARN = 40;
const jsonLines = (output: string): LogLine[] =>
  output
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LogLine);

describe('the operator starting the service', () => {
  it('without OPENAI_API_KEY: warns at start-up naming it, and /status says conversations are refused and why', async () => {
    const app = await spawnApp();
    const response = await fetch(`${app.url}/status`);
    const body = (await response.json()) as { status: string; conversations: Record<string, unknown> };
    expect(await app.stop()).toBe(0);

    const warnings = jsonLines(app.output()).filter((line) => line.level === WARN);
    expect(warnings.map((line) => line.msg)).toContainEqual(expect.stringMatching(/^OPENAI_API_KEY is not set: conversations will be refused/));
    expect(response.status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.conversations).toMatchObject({ accepting: false, reason: 'not_configured', message: expect.stringContaining('OPENAI_API_KEY is not set') });
    const summary = jsonLines(app.output()).find((line) => line.context === 'Summary');
    expect(summary?.msg).toMatch(/not configured: OPENAI_API_KEY \(conversations are refused\)/);
  });

  it('with a key: no such warning, and /status accepts conversations', async () => {
    const app = await spawnApp({ OPENAI_API_KEY: 'sk-test-duck-e' });
    const body = (await (await fetch(`${app.url}/status`)).json()) as { conversations: Record<string, unknown> };
    await app.stop();
    expect(app.output()).not.toContain('OPENAI_API_KEY is not set');
    expect(body.conversations).toMatchObject({ accepting: true });
    expect(body.conversations).not.toHaveProperty('reason');
  });

  it('warns about unknown variables in .env and our-looking ones in the environment, with a suggestion, and starts anyway', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ducke-typo-'));
    writeFileSync(join(dir, '.env'), 'RATE_LIMT_STATUS=10/minute\nCOMPOSE_PROFILES=redis\nRATE_LIMIT_MAIN_PAGE=30/minute\n');
    const app = await spawnApp({ DUCKE_VOICE: 'cedar', REDSI_URL: 'redis://127.0.0.1:1', SESSION_MANAGER: 'local/desktop' }, dir);
    expect((await fetch(`${app.url}/status`)).status).toBe(200);
    expect(await app.stop()).toBe(0);

    const warnings = jsonLines(app.output())
      .filter((line) => line.level === WARN && line.context === 'Configuration')
      .map((line) => line.msg);
    expect(warnings).toContain('Unknown variable RATE_LIMT_STATUS in .env is ignored — did you mean RATE_LIMIT_STATUS?');
    expect(warnings).toContain('Unknown variable REDSI_URL in the environment is ignored — did you mean REDIS_URL?');
    expect(warnings).toContainEqual(expect.stringMatching(/^Unknown variable DUCKE_VOICE in the environment is ignored/));
    // Known names, docker compose's own, and other programs' variables are not reported.
    expect(warnings.filter((line) => /COMPOSE_PROFILES|RATE_LIMIT_MAIN_PAGE|SESSION_MANAGER|PATH/.test(line))).toEqual([]);
  });

  it('says plainly when the port is taken, and exits 1', async () => {
    const port = await freePort();
    const holder = createServer().listen(port, '127.0.0.1');
    await once(holder, 'listening');
    try {
      const run = runBuiltApp({ HOST: '127.0.0.1', PORT: String(port) });
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(`DUCK-E cannot start: port ${port} on 127.0.0.1 is already in use by another process. Stop it, or set PORT`);
      expect(run.output()).not.toMatch(/at Server\.setupListenHandle/);
    } finally {
      holder.close();
    }
  });

  it('logs JSON lines when stdout is not a terminal: the start-up summary without framework chatter, and a shutdown line', async () => {
    const app = await spawnApp();
    await app.stop('SIGTERM');
    const lines = jsonLines(app.output());
    const contexts = new Set(lines.map((line) => line.context));
    for (const noise of ['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']) expect(contexts.has(noise)).toBe(false);
    const summary = lines.find((line) => line.context === 'Summary')?.msg ?? '';
    expect(summary).toMatch(new RegExp(`^DUCK-E \\d+\\.\\d+\\.\\d+ listening on http://127\\.0\\.0\\.1:${app.port}`));
    for (const topic of ['storage:        memory', 'cost limits:', 'rate limits:', 'tools:          get_current_weather (Open-Meteo)', 'not configured:']) {
      expect(summary).toContain(topic);
    }
    expect(lines.find((line) => line.context === 'Shutdown')?.msg).toMatch(/^DUCK-E stopped on SIGTERM: 0 conversations ended in \d+\.\d s \(exit 0\)$/);
    // The storage lines operators and older tooling look for.
    expect(app.output()).toContain('Initializing in-memory rate limiting');
    expect(app.output()).toContain('cost tracking');
  });

  it('logs readable lines on a terminal (run under script(1), which gives it one)', async () => {
    const port = await freePort();
    // `exec` makes the shell's pid the service's, so the test can stop the service itself.
    const command = `echo PID:$$; exec "${process.execPath}" "${MAIN_JS}"`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', TERM: 'dumb', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await waitFor(() => output.includes('[Summary]'), 30_000, 50);
    } finally {
      const pid = Number(/PID:(\d+)/.exec(output)?.[1]);
      if (pid) process.kill(pid, 'SIGTERM');
      else child.kill('SIGKILL');
      await exited;
    }
    // TERM=dumb and NO_COLOR: readable lines without colour codes, so they can be matched.
    const plain = output.replace(/\r/g, '');
    expect(plain).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: \[Configuration\] OPENAI_API_KEY is not set/m);
    expect(plain).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[Summary\] DUCK-E .* listening on/m);
    expect(plain).toMatch(/^ {2}storage: {8}memory/m);
    expect(plain).toMatch(/\[Shutdown\] DUCK-E stopped on SIGTERM/);
    expect(plain.split(/\r?\n/).filter((line) => line.startsWith('{"level"'))).toEqual([]);
  });
});
