import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort } from '../support/ports';
import { MAIN_JS, ROOT } from '../support/spawned-app';

// Start-up time and idle memory: an instance in memory, without auth, has no use for the OpenAI
// SDK (web search), ioredis (REDIS_URL) or jsonwebtoken (AUTH_REQUIRED), so it must not load them
// before it serves. A static import of one of them anywhere on the boot path fails this test.

const run = promisify(execFile);

/** Boot the built app with a module-load hook, wait for /status, print the packages loaded. */
const PROBE = `
const Module = require('node:module');
const loaded = new Set();
const load = Module._load;
Module._load = function (request) {
  if (!request.startsWith('.') && !request.startsWith('node:')) loaded.add(request.split('/').slice(0, request.startsWith('@') ? 2 : 1).join('/'));
  return load.apply(this, arguments);
};
require(process.env.MAIN_JS);
(async () => {
  for (let i = 0; i < 600; i++) {
    try { if ((await fetch('http://127.0.0.1:' + process.env.PORT + '/status')).ok) break; } catch {}
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  process.stdout.write('LOADED ' + JSON.stringify([...loaded]) + '\\n');
  process.exit(0);
})();
`;

describe('start-up loads only what serving needs', () => {
  it('does not load the OpenAI SDK, ioredis or jsonwebtoken in memory without auth', async () => {
    const port = await freePort();
    const { stdout } = await run(process.execPath, ['-e', PROBE], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, MAIN_JS, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'error' },
      timeout: 45_000,
    });
    const loaded = JSON.parse(/^LOADED (.*)$/m.exec(stdout)?.[1] ?? 'null') as string[] | null;
    expect(loaded).toEqual(expect.arrayContaining(['@nestjs/core', 'express']));
    expect(loaded).not.toContain('openai');
    expect(loaded).not.toContain('ioredis');
    expect(loaded).not.toContain('jsonwebtoken');
  }, 60_000);
});
