import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { promisify } from 'node:util';
import { LimitCounter } from '../../src/rate-limit/limit-counter.service';
import { SessionRateLimiter } from '../../src/rate-limit/session-rate-limiter.service';
import { RedisServer } from '../../test/support/redis-server';
import { SpawnedApp, spawnApp } from '../../test/support/spawned-app';
import { startTestApp } from '../../test/support/test-app';
import { BenchRow, micros, timeAsync } from '../measure';

const run = promisify(execFile);
const UNLIMITED = '999999999/day';
const LOAD_SECONDS = 2;
const ROUNDS = 6;
const CONNECTIONS = 32;
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** p50/p99 of one limiter decision (the chain CONNECT_LIMITER and TOOL_LIMITER use) in the real app. */
async function decisionLatency(redisUrl: string | undefined, iterations: number) {
  const app = await startTestApp({ REDIS_URL: redisUrl, RATE_LIMIT_WEBSOCKET: UNLIMITED });
  const limiter = app.app.get(SessionRateLimiter);
  // 1,000 clients in rotation, as a busy instance sees them.
  const clients = Array.from({ length: 1_000 }, (_, i) => ({ ip: `10.0.${i >> 8}.${i & 255}`, clientKey: `10.0.${i >> 8}.${i & 255}` }));
  const stats = await timeAsync((i) => limiter.consume('websocket', clients[i % clients.length]), iterations, iterations / 10);
  // A Redis figure is only one if no decision fell back to memory.
  const mode = app.app.get(LimitCounter).mode;
  await app.close();
  if (mode !== (redisUrl ? 'redis' : 'memory')) throw new Error(`limiter counted in ${mode} during the run`);
  return stats;
}

const hasWrk = (() => {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk prints its version and exits 1
    return (error as { status?: number }).status === 1;
  }
})();

/** CPU time (user + system, µs) the process has used so far. */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLOCK_TICKS;
}

interface Load {
  rps: number;
  /** Server CPU per request: what throughput costs, whatever else runs on the machine. */
  cpuPerRequestUs: number;
}

/** GET /status over keep-alive connections on loopback for LOAD_SECONDS. */
async function load(app: SpawnedApp): Promise<Load> {
  const cpuBefore = cpuMicros(app.child.pid!);
  const { requests, seconds } = await drive(app.url);
  return { rps: requests / seconds, cpuPerRequestUs: (cpuMicros(app.child.pid!) - cpuBefore) / requests };
}

async function drive(url: string): Promise<{ requests: number; seconds: number }> {
  if (hasWrk) {
    const { stdout } = await run('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${LOAD_SECONDS}s`, `${url}/status`]);
    const [, requests, seconds] = /(\d+) requests in ([\d.]+)s/.exec(stdout) ?? [];
    return { requests: Number(requests), seconds: Number(seconds) };
  }
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const deadline = Date.now() + LOAD_SECONDS * 1_000;
  let done = 0;
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(`${url}/status`, { agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < deadline) {
        await once();
        done++;
      }
    }),
  );
  agent.destroy();
  return { requests: done, seconds: LOAD_SECONDS };
}

type Setup = 'on' | 'off' | 'redis';

/** /status throughput with limiting off, on in memory and on Redis: best of interleaved rounds against noise. */
async function throughput(): Promise<Record<Setup, Load>> {
  const redis = await RedisServer.start();
  const common = { LOG_LEVEL: 'warn', RATE_LIMIT_STATUS: UNLIMITED };
  const apps: Record<Setup, SpawnedApp> = {
    on: await spawnApp({ ...common, RATE_LIMIT_ENABLED: 'true' }),
    off: await spawnApp({ ...common, RATE_LIMIT_ENABLED: 'false' }),
    redis: await spawnApp({ ...common, RATE_LIMIT_ENABLED: 'true', REDIS_URL: redis.url }),
  };
  const none = { rps: 0, cpuPerRequestUs: Infinity };
  const best: Record<Setup, Load> = { on: none, off: none, redis: none };
  try {
    for (const app of Object.values(apps)) await load(app); // warm-up (JIT)
    const setups: Setup[] = ['on', 'off', 'redis'];
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order so no setup always runs right after another's load.
      for (const setup of [...setups.slice(round % 3), ...setups.slice(0, round % 3)]) {
        const { rps, cpuPerRequestUs } = await load(apps[setup]);
        best[setup] = { rps: Math.max(best[setup].rps, rps), cpuPerRequestUs: Math.min(best[setup].cpuPerRequestUs, cpuPerRequestUs) };
      }
    }
  } finally {
    await Promise.all(Object.values(apps).map((app) => app.stop()));
    await redis.stop();
  }
  return best;
}

const rowOf = (load: Load) => `${Math.round(load.rps)} req/s, ${load.cpuPerRequestUs.toFixed(0)} µs CPU/req`;

/** Limiter decision latency (memory, Redis) and what limiting costs /status throughput. */
export async function rateLimitSection(): Promise<BenchRow[]> {
  const memory = await decisionLatency(undefined, 200_000);
  const server = await RedisServer.start();
  const redis = await decisionLatency(server.url, 20_000);
  await server.stop();
  const http = await throughput();
  const cost = 1 - http.on.rps / http.off.rps;
  const cpuCost = http.on.cpuPerRequestUs / http.off.cpuPerRequestUs - 1;
  const tool = hasWrk ? `wrk, ${CONNECTIONS} connections` : `node keep-alive loop, ${CONNECTIONS} connections`;

  return [
    {
      name: 'limiter decision p50 / p99, in memory',
      value: `${micros(memory.p50)} / ${micros(memory.p99)}`,
      target: 'p99 < 20 µs',
      pass: memory.p99 < 20,
      key: 'limiter.memory.p99',
      raw: memory.p99,
    },
    {
      name: 'limiter decision p50 / p99, Redis on loopback',
      value: `${micros(redis.p50)} / ${micros(redis.p99)}`,
      target: 'p99 < 1 ms',
      pass: redis.p99 < 1_000,
    },
    { name: `/status limiting off (${tool}, best of ${ROUNDS})`, value: rowOf(http.off) },
    { name: '/status limiting on, in memory', value: rowOf(http.on) },
    { name: '/status limiting on, Redis', value: rowOf(http.redis) },
    {
      name: 'throughput cost of limiting (memory, req/s)',
      value: `${(cost * 100).toFixed(1)} %`,
      target: '< 10 %',
      pass: cost < 0.1,
    },
    { name: 'server CPU per /status request, on vs off', value: `${cpuCost >= 0 ? '+' : ''}${(cpuCost * 100).toFixed(1)} %` },
  ];
}
