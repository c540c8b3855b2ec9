import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RedisServer } from '../../test/support/redis-server';
import { freePort, sleep } from '../../test/support/ports';
import { IMAGE_NODE_OPTIONS } from '../../test/reliability/support/reliability-stack';
import { BenchRow, megabytes } from '../measure';

const MAIN_JS = join(__dirname, '..', '..', 'dist', 'main.js');
const RUNS = 3;
const MEMORY_TARGET_MS = 600;
const REDIS_TARGET_MS = 1_500;
const IDLE_RSS_TARGET = 100 * 1024 * 1024;
/** V8's memory reducer shrinks an idle process's heap some 20 s after start-up; idle is after that. */
const SETTLE_MS = 30_000;

interface Started {
  ms: number;
  pid: number;
  stop(): Promise<void>;
}

/** `node dist/main.js` as the image runs it, timed from spawn to the first 200 of /status. */
async function startOnce(env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [MAIN_JS], {
    env: { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_OPTIONS: IMAGE_NODE_OPTIONS, ...env },
    stdio: 'ignore',
  });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode} before serving`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/status`)).ok) break;
    } catch {
      await sleep(2);
    }
  }
  const ms = performance.now() - started;
  return {
    ms,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** Best of RUNS, after one run that fills Node's compile cache (the image ships one built at build time). */
async function startUp(env: Record<string, string>): Promise<number[]> {
  await (await startOnce(env)).stop();
  const runs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = await startOnce(env);
    runs.push(started.ms);
    await started.stop();
  }
  return runs;
}

const listed = (runs: number[]) => `${Math.round(Math.min(...runs))} ms (runs ${runs.map((ms) => Math.round(ms)).join(', ')})`;

/** Start-up time to a serving /status, in memory and with Redis, and resident memory of an idle process. */
export async function startupSection(): Promise<BenchRow[]> {
  const memory = await startUp({});
  const redis = await RedisServer.start();
  let withRedis: number[];
  try {
    withRedis = await startUp({ REDIS_URL: redis.url });
  } finally {
    await redis.stop();
  }

  const idle = await startOnce({});
  await sleep(SETTLE_MS);
  const status = readFileSync(`/proc/${idle.pid}/status`, 'utf8');
  await idle.stop();
  const idleRss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
  return [
    { name: `start-up to the first 200 of /status, in memory (best of ${RUNS}, compile cache warm)`, value: listed(memory), target: `< ${MEMORY_TARGET_MS} ms`, pass: Math.min(...memory) < MEMORY_TARGET_MS },
    { name: `start-up to the first 200 of /status, with Redis (best of ${RUNS})`, value: listed(withRedis), target: `< ${REDIS_TARGET_MS} ms`, pass: Math.min(...withRedis) < REDIS_TARGET_MS },
    { name: `idle RSS (${SETTLE_MS / 1000} s after start-up)`, value: megabytes(idleRss), target: `< ${megabytes(IDLE_RSS_TARGET)}`, pass: idleRss < IDLE_RSS_TARGET },
  ];
}
