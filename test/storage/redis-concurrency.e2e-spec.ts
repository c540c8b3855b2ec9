import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RedisServer } from '../support/redis-server';

const run = promisify(execFile);
const WORKER = join(__dirname, 'increment-worker.ts');

async function race(url: string, key: string): Promise<number[]> {
  const startAt = Date.now() + 1_500;
  const workers = [0, 1].map(() =>
    run(process.execPath, ['-r', '@swc-node/register', WORKER, url, key, String(startAt), '100'], {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, SWC_NODE_PROJECT: join(__dirname, '..', 'tsconfig.json') },
    }),
  );
  const outputs = await Promise.all(workers);
  return outputs.map(({ stdout }) => (JSON.parse(/RESULT (.*)/.exec(stdout)![1]) as { admitted: number }).admitted);
}

describe('RedisStore counters across processes', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterAll(() => server.stop());

  it('2 processes × 250 concurrent increments with limit 100 admit exactly 100, every time', async () => {
    for (let round = 0; round < 3; round++) {
      const admitted = await race(server.url, `race:${round}`);
      expect(admitted[0] + admitted[1]).toBe(100);
    }
  });
});
