import { execFile, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { ROOT, spawnApp } from '../support/spawned-app';

// No Docker engine runs on these machines, so this runs what the image runs: the runtime
// stage's install (`npm ci --omit=dev`), its files, its CMD and its HEALTHCHECK.

const run = promisify(execFile);
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM ') + 1);

/** The exec-form command of `CMD` (instruction line) or of `HEALTHCHECK … CMD` (continuation line). */
function execForm(pattern: RegExp): string[] {
  const match = pattern.exec(runtimeStage);
  if (!match) throw new Error(`${pattern} not found in the runtime stage`);
  return JSON.parse(match[1]) as string[];
}
const cmd = () => execForm(/^CMD (\[.*\])$/m);
const healthcheck = () => execForm(/HEALTHCHECK[^\n]*\\\n\s*CMD (\[.*\])/);

describe('the container image, without Docker', () => {
  it('builds on node:22-bookworm-slim in two stages and runs as a non-root user', () => {
    expect(dockerfile).toMatch(/^FROM node:22-bookworm-slim AS build$/m);
    expect(runtimeStage).toMatch(/^FROM node:22-bookworm-slim AS runtime$/m);
    expect(runtimeStage).toMatch(/npm ci --omit=dev/);
    expect(runtimeStage).toMatch(/^USER node$/m);
    expect(cmd()).toEqual(['node', 'dist/main.js']);
    expect(healthcheck()[0]).toBe('node');
    expect(healthcheck().join(' ')).not.toMatch(/curl|wget/);
  });

  it('compose runs one container on port 8000 from .env, restarts it, checks /status, and offers Redis as a profile', () => {
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, { ports?: string[]; env_file?: string[]; restart?: string; profiles?: string[]; ulimits?: { nofile: { soft: number; hard: number } }; healthcheck?: { test: string[] }; deploy?: { resources: { limits: { cpus: string; memory: string } } } }>;
    };
    const app = compose.services['duck-e'];
    expect(app.ports).toEqual(['8000:8000']);
    expect(app.env_file).toEqual(['.env']);
    expect(app.restart).toBe('unless-stopped');
    expect(app.profiles).toBeUndefined();
    expect(app.deploy?.resources.limits).toEqual({ cpus: '2.0', memory: '2G' });
    // Two descriptors per conversation: room for thousands, not Docker's default 1,024.
    expect(app.ulimits?.nofile.soft).toBeGreaterThanOrEqual(16_384);
    expect(app.healthcheck?.test).toEqual(['CMD', ...healthcheck()]);
    expect(compose.services.redis.profiles).toEqual(['redis', 'scale']);
    expect(compose.services.redis.ports).toBeUndefined();
  });

  describe('the runtime stage, assembled in a folder', () => {
    let dir: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'ducke-image-'));
      for (const file of ['package.json', 'package-lock.json']) cpSync(join(ROOT, file), join(dir, file));
      await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], {
        cwd: dir,
        timeout: 240_000,
      });
      cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
      cpSync(join(ROOT, 'views', 'index.html'), join(dir, 'views', 'index.html'));
      cpSync(join(ROOT, 'views', 'static'), join(dir, 'views', 'static'), { recursive: true });
    }, 300_000);

    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('serves the page, its assets and /status with production dependencies only, passes its HEALTHCHECK, and stops on SIGTERM', async () => {
      const app = await spawnApp({ NODE_ENV: 'production' }, dir);
      try {
        expect((await fetch(`${app.url}/`)).status).toBe(200);
        expect((await fetch(`${app.url}/static/app.js`)).status).toBe(200);
        const probe = spawnSync(process.execPath, healthcheck().slice(1), {
          env: { PORT: String(app.port) },
          timeout: 10_000,
        });
        expect(probe.status).toBe(0);
      } finally {
        expect(await app.stop()).toBe(0);
      }
      // The healthcheck fails when nothing answers, so a dead container is noticed.
      const dead = spawnSync(process.execPath, healthcheck().slice(1), { env: { PORT: String(app.port) }, timeout: 10_000 });
      expect(dead.status).toBe(1);
    });
  });
});
