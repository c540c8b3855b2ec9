import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, sleep } from '../../test/support/ports';
import { BenchRow, megabytes } from '../measure';

const MAIN_JS = join(__dirname, '..', '..', 'dist', 'main.js');
// Measure the process as the container runs it: with the image's NODE_OPTIONS.
const IMAGE_NODE_OPTIONS = /NODE_OPTIONS=(\S+)/.exec(readFileSync(join(__dirname, '..', '..', 'Dockerfile'), 'utf8'))?.[1] ?? '';

/** Start-up time to a serving /status, and resident memory of an idle process. */
export async function startupSection(): Promise<BenchRow[]> {
  const runs: number[] = [];
  let idleRss = 0;
  for (let run = 0; run < 3; run++) {
    const port = await freePort();
    const started = Date.now();
    const child = spawn(process.execPath, [MAIN_JS], {
      env: { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_OPTIONS: IMAGE_NODE_OPTIONS },
      stdio: 'ignore',
    });
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/status`)).ok) break;
      } catch {
        await sleep(5);
      }
    }
    runs.push(Date.now() - started);
    if (run === 2) {
      await sleep(3_000); // let start-up garbage settle
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      idleRss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
    }
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  const best = Math.min(...runs);
  return [
    { name: 'start-up to serving /status (best of 3)', value: `${best} ms`, target: '< 1500 ms', pass: best < 1_500 },
    { name: 'idle RSS', value: megabytes(idleRss), target: '< 120 MB', pass: idleRss < 120 * 1024 * 1024 },
  ];
}
