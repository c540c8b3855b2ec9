import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuiltApp, spawnApp } from '../support/spawned-app';

// These run the built service exactly as the container does: node dist/main.js.

describe('the built service process', () => {
  it.each([
    ['RATE_LIMIT_STATUS', 'lots', /RATE_LIMIT_STATUS="lots" must be <count>\/<second\|minute\|hour\|day>/],
    ['COST_PROTECTION_MAX_SESSION_COST_USD', '-1', /COST_PROTECTION_MAX_SESSION_COST_USD="-1" must be a positive amount/],
    ['REDIS_URL', 'http://nope', /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    ['PORT', '99999', /PORT="99999" must be a port number/],
    ['TRUST_PROXY', 'true', /TRUST_PROXY="true" must be off, a hop count/],
    ['REALTIME_MODEL', 'gpt-realtime-9', /REALTIME_MODEL="gpt-realtime-9" has no price in DUCK-E's price book/],
    ['REALTIME_TRANSCRIPTION_MODEL', 'gpt-transcribe', /REALTIME_TRANSCRIPTION_MODEL="gpt-transcribe" has no price .*published no price/],
    ['COST_PRICE_OVERRIDES', '{"m":{"textIn":"4"}}', /COST_PRICE_OVERRIDES="\{\\"m\\".*"m"\.textIn must be a number/],
  ])('refuses to start with %s=%s, naming the variable', async (name, value, message) => {
    const run = runBuiltApp({ [name]: value, PORT: name === 'PORT' ? value : '0' });
    const code = await run.exited;
    expect(code).not.toBe(0);
    expect(run.output()).toMatch(message);
    expect(run.output()).toMatch(/refused to start/);
  });

  it('never prints a secret value in a configuration error', async () => {
    const run = runBuiltApp({ REDIS_URL: 'http://user:hunter2@redis', PORT: '0' });
    expect(await run.exited).not.toBe(0);
    expect(run.output()).not.toContain('hunter2');
  });

  it('reads .env from its working directory, and the real environment wins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ducke-env-'));
    writeFileSync(join(dir, '.env'), 'RATE_LIMIT_STATUS=lots\n');
    const bad = runBuiltApp({ PORT: '0' }, dir);
    expect(await bad.exited).not.toBe(0);
    expect(bad.output()).toMatch(/RATE_LIMIT_STATUS="lots"/);

    const app = await spawnApp({ RATE_LIMIT_STATUS: '60/minute' }, dir);
    expect((await fetch(`${app.url}/status`)).status).toBe(200);
    expect(await app.stop()).toBe(0);
  });

  it('logs JSON lines with the storage in use, and never a client address', async () => {
    const app = await spawnApp();
    await fetch(`${app.url}/`, { headers: { Authorization: 'Bearer secret-token', Cookie: 'ducke_token=abc' } });
    await app.stop();
    const lines = app.output().trim().split('\n').filter(Boolean);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(app.output()).toContain('Initializing in-memory rate limiting');
    expect(app.output()).toContain('cost tracking');
    expect(app.output()).not.toContain('secret-token');
    expect(app.output()).not.toContain('127.0.0.1"');
    expect(app.output()).not.toMatch(/remoteAddress/);
  });

  it('logs one info line per page request and failure, in pino-http shape; health probe successes only at debug', async () => {
    const app = await spawnApp();
    const page = await fetch(`${app.url}/?token=abc`, { headers: { Authorization: 'Bearer secret-token' } });
    await fetch(`${app.url}/status`);
    await fetch(`${app.url}/static/missing.js`);
    await fetch(`${app.url}/nowhere`);
    await app.stop();
    const completed = app
      .output()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: number; msg: string; req?: Record<string, unknown>; res?: Record<string, unknown>; responseTime?: unknown })
      .filter((line) => line.msg === 'request completed');
    expect(completed.map((line) => [line.level, line.req, line.res])).toEqual([
      [30, { id: page.headers.get('x-request-id'), method: 'GET', path: '/' }, { statusCode: 200 }],
      [30, { id: expect.any(String), method: 'GET', path: '/static/missing.js' }, { statusCode: 404 }],
      [30, { id: expect.any(String), method: 'GET', path: '/nowhere' }, { statusCode: 404 }],
    ]);
    for (const line of completed) expect(typeof line.responseTime).toBe('number');
    expect(app.output()).not.toContain('token=abc');
    expect(app.output()).not.toContain('secret-token');
  });

  it('serves /status soon after start and exits cleanly on SIGTERM within 10 s', async () => {
    const started = Date.now();
    const app = await spawnApp();
    const startupMs = Date.now() - started;
    expect(startupMs).toBeLessThan(5_000);

    const stopping = Date.now();
    const code = await app.stop('SIGTERM');
    expect(code).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(10_000);
  });
});
