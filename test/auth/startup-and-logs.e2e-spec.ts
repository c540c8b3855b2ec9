import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { WebSocket } from 'ws';
import { claimsAt, hs256, rsaKeys, TEST_SECRET } from '../support/test-tokens';
import { ROOT, runBuiltApp, spawnApp } from '../support/spawned-app';
import { ADMIN_TOKEN, AUTH_ENV, postJson, revoke, startAuthApp, upgradeWith } from './auth-app';

// The built service (node dist/main.js) and the built token command, as operators run them.

describe('start-up with AUTH_REQUIRED=true (fail closed)', () => {
  it.each([
    ['no secret', {}, /JWT_SECRET_KEY is required \(AUTH_REQUIRED=true with JWT_ALGORITHM=HS256\)/],
    ['a 31-byte secret', { JWT_SECRET_KEY: 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P' }, /JWT_SECRET_KEY must be at least 32 bytes/],
    ['the original placeholder', { JWT_SECRET_KEY: 'your-secret-key-here-change-in-production' }, /JWT_SECRET_KEY looks like a placeholder/],
    ['RS256 without a public key', { JWT_ALGORITHM: 'RS256' }, /JWT_PUBLIC_KEY is required for RS256/],
    ['RS256 with an unreadable key', { JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY: 'MIIBIjANBgkq' }, /JWT_PUBLIC_KEY is not a readable PEM public key/],
    ['a weak ADMIN_TOKEN', { JWT_SECRET_KEY: TEST_SECRET, ADMIN_TOKEN: 'admin123' }, /ADMIN_TOKEN must be at least 32 characters/],
  ])('refuses to start with %s, naming the variable and never echoing it', async (_name, env, message) => {
    const run = runBuiltApp({ AUTH_REQUIRED: 'true', PORT: '0', ...env });
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/refused to start/);
    expect(run.output()).toMatch(message);
    for (const value of Object.values(env)) if (value.length > 8) expect(run.output()).not.toContain(value);
  });

  it('starts with a strong secret or an RS256 public key, and /status says auth is required', async () => {
    const configurations: Array<Record<string, string>> = [
      { JWT_SECRET_KEY: TEST_SECRET },
      { JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY: rsaKeys().publicPem.replace(/\n/g, '\\n') },
    ];
    for (const env of configurations) {
      const app = await spawnApp({ AUTH_REQUIRED: 'true', ...env });
      try {
        const status = (await (await fetch(`${app.url}/status`)).json()) as { auth: unknown };
        expect(status.auth).toEqual({ required: true, algorithm: env.JWT_ALGORITHM ?? 'HS256' });
      } finally {
        await app.stop();
      }
    }
  });
});

describe('tokens never reach the logs', () => {
  it('not from HTTP headers, cookies or URLs, /session upgrades, the admin endpoint or the revocation log line', async () => {
    const token = hs256(claimsAt(Date.now(), { jti: 'logged-jti' }));
    const app = await spawnApp({ ...AUTH_ENV, LOG_LEVEL: 'debug' });
    try {
      await fetch(`${app.url}/`, { headers: { Authorization: `Bearer ${token}`, Cookie: `ducke_token=${token}` } });
      await fetch(`${app.url}/status?token=${token}`);
      // /session: a refused token (bad signature), an admitted one by cookie, one by bearer and one in the URL.
      const forged = `${token.slice(0, token.lastIndexOf('.'))}.${'A'.repeat(43)}`;
      for (const headers of [{ Cookie: `ducke_token=${forged}` }, { Cookie: `ducke_token=${token}` }, { Authorization: `Bearer ${token}` }, {}]) {
        const query = Object.keys(headers).length ? '' : `?token=${token}`;
        const socket = new WebSocket(`${app.url.replace('http', 'ws')}/session${query}`, { headers: { Origin: app.url, ...headers } });
        // Refused ones get an error at once; an admitted one waits for session.start.
        await new Promise((resolve) => {
          socket.once('message', resolve);
          socket.once('open', () => setTimeout(resolve, 300));
        });
        socket.terminate();
      }
      await postJson(`${app.url}/admin/tokens/revoke`, { jti: 'logged-jti' }, { bearer: token });
      const ok = await postJson(`${app.url}/admin/tokens/revoke`, { jti: 'logged-jti' }, { bearer: ADMIN_TOKEN });
      expect(ok.status).toBe(200);
    } finally {
      await app.stop();
    }
    const output = app.output();
    expect(output).toContain('token revoked: jti \\"logged-jti\\"');
    for (const secret of [token, token.split('.')[2], ADMIN_TOKEN, TEST_SECRET]) expect(output).not.toContain(secret);
  });
});

describe('metrics', () => {
  it('counts refusals by reason and revocations on /metrics', async () => {
    const app = await startAuthApp();
    try {
      const metric = async (pattern: RegExp) => Number(pattern.exec(await (await fetch(`${app.url}/metrics`)).text())?.[1] ?? NaN);
      const missingBefore = await metric(/^ducke_auth_refused_total\{reason="missing"\} (\d+)/m);
      const expiredBefore = await metric(/^ducke_auth_refused_total\{reason="expired"\} (\d+)/m);
      const revokedBefore = await metric(/^ducke_tokens_revoked_total (\d+)/m);
      await app.authenticator.authenticate(upgradeWith({}));
      await app.authenticator.authenticate(upgradeWith({ cookie: `ducke_token=${hs256(claimsAt(Date.now() - 7_200_000))}` }));
      await revoke(app, { jti: 'counted' });
      expect(await metric(/^ducke_auth_refused_total\{reason="missing"\} (\d+)/m)).toBe(missingBefore + 1);
      expect(await metric(/^ducke_auth_refused_total\{reason="expired"\} (\d+)/m)).toBe(expiredBefore + 1);
      expect(await metric(/^ducke_tokens_revoked_total (\d+)/m)).toBe(revokedBefore + 1);
    } finally {
      await app.close();
    }
  });
});

describe('npm run token (the built command)', () => {
  const run = promisify(execFile);
  const command = join(ROOT, 'dist', 'auth', 'token.command.js');

  it('prints a token the service accepts, with the secret read from .env', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ducke-token-'));
    writeFileSync(join(dir, '.env'), `JWT_SECRET_KEY=${TEST_SECRET}\nJWT_MAX_TTL_HOURS=4\n`);
    const { stdout, stderr } = await run(process.execPath, [command, '--sub', 'alice', '--ttl', '2h'], { cwd: dir, env: { PATH: process.env.PATH } });
    const token = stdout.trim();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(stderr).toMatch(/Token for sub "alice", jti [0-9a-f-]{36}, valid until/);
    expect(stderr).not.toContain(TEST_SECRET);

    const app = await startAuthApp();
    try {
      const decision = await app.authenticator.authenticate(upgradeWith({ cookie: `ducke_token=${token}` }));
      expect(decision).toMatchObject({ admitted: true, user: { sub: 'alice' } });
      if (decision.admitted) expect(decision.user!.expiresAt - Date.now()).toBeGreaterThan(7_100_000);
    } finally {
      await app.close();
    }

    const tooLong = await run(process.execPath, [command, '--sub', 'alice', '--ttl', '5h'], { cwd: dir, env: { PATH: process.env.PATH } }).catch((error: { code: number; stderr: string; stdout: string }) => error);
    expect(tooLong).toMatchObject({ code: 1, stdout: '', stderr: expect.stringContaining('longer than JWT_MAX_TTL_HOURS (4 h)') });
  });
});
