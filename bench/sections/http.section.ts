import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { promisify } from 'node:util';
import { freePort, waitFor } from '../../test/support/ports';
import { ROOT, spawnApp } from '../../test/support/spawned-app';
import { IMAGE_NODE_OPTIONS } from '../../test/reliability/support/reliability-stack';
import { BenchRow } from '../measure';

// GET /status and GET / through everything the app puts in front of them — the early limiter
// check, request id, timing, security headers, the status sections — side by side in one run with
// a bare Node `http` server and NestJS alone (one controller, Express adapter) answering the same
// bytes, each its own process with the image's NODE_OPTIONS. wrk drives 50 connections; with
// BENCH_PIN=1 the servers are pinned to one core and wrk to another, so they do not share one.
// Rounds alternate between the servers and each keeps its best round (and that round's p99), so
// a neighbour's burst of CPU does not decide a ratio.

const run = promisify(execFile);
export const CONNECTIONS = 50;
const SECONDS = 3;
const ROUNDS = 3;
/** NestJS alone answers this share of the same bytes; DUCK-E must reach it (issue target). */
const NEST_SHARE_TARGET = 0.8;
const P99_TARGET_MS = 50;

/** A bare Node server answering /status with the JSON and anything else with the page. */
export const BARE_SERVER = `
const json = Buffer.from(process.env.JSON_BODY), html = Buffer.from(process.env.HTML_BODY);
require('node:http').createServer((req, res) => {
  const page = !req.url.startsWith('/status');
  const body = page ? html : json;
  res.writeHead(200, { 'content-type': page ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8', 'content-length': body.length });
  res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

// What any app built on NestJS + Express reaches on this machine before one middleware of its own.
const NEST_SERVER = `
require('reflect-metadata');
const { NestFactory } = require('@nestjs/core');
const { Controller, Get, Header, Module } = require('@nestjs/common');
const json = JSON.parse(process.env.JSON_BODY), html = process.env.HTML_BODY;
class AloneController { status() { return json; } page() { return html; } }
const method = (name) => Object.getOwnPropertyDescriptor(AloneController.prototype, name);
Get('/status')(AloneController.prototype, 'status', method('status'));
Get('/')(AloneController.prototype, 'page', method('page'));
Header('Content-Type', 'text/html; charset=utf-8')(AloneController.prototype, 'page', method('page'));
Controller()(AloneController);
class AppModule {}
Module({ controllers: [AloneController] })(AppModule);
NestFactory.create(AppModule, { logger: false }).then((app) => app.listen(Number(process.env.PORT), '127.0.0.1'));
`;

export interface Server {
  url: string;
  pid: number;
  stop(): void;
}

/**
 * BENCH_PIN=1, taskset is there and there are two cores: servers on core 0, load generators on
 * core 1. Off by default: on a machine shared with other work, a pinned server cannot move off a
 * busy core and its figures say more about the neighbours than about it.
 */
export function canPin(): boolean {
  if (process.env.BENCH_PIN !== '1' || cpus().length < 2) return false;
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Pin every thread of a running process to core 0 (no-op without taskset). */
export function pinServer(pid: number): void {
  if (canPin()) execFileSync('taskset', ['-a', '-p', '-c', '0', String(pid)], { stdio: 'ignore' });
}

/** One of the reference servers above as its own process, like the app. */
export async function reference(script: string, bodies: { json: string; html: string }): Promise<Server> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['-e', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, NODE_OPTIONS: IMAGE_NODE_OPTIONS, PORT: String(port), JSON_BODY: bodies.json, HTML_BODY: bodies.html },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/status`)).ok, 15_000);
  pinServer(child.pid!);
  return { url, pid: child.pid!, stop: () => child.kill('SIGKILL') };
}

export interface WrkResult {
  rps: number;
  p99Ms: number;
  /** Responses that were not 2xx/3xx. */
  non2xx: number;
  requests: number;
  /** CPU time the server process spent per request, when its pid was given. */
  cpuMicrosPerRequest?: number;
}

/** user + system CPU time of a process so far, in µs (from /proc; 0 where there is none). */
function cpuMicrosOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
const CLOCK_TICKS = 100;

/** wrk with latency percentiles, on core 1 when pinning. */
export async function wrk(url: string, seconds = SECONDS, connections = CONNECTIONS, pid?: number): Promise<WrkResult> {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url];
  const cpuBefore = pid ? cpuMicrosOf(pid) : 0;
  const { stdout } = canPin() ? await run('taskset', ['-c', '1', 'wrk', ...args]) : await run('wrk', args);
  const cpu = pid ? cpuMicrosOf(pid) - cpuBefore : 0;
  const [, requests, duration, unit] = /(\d+) requests in ([\d.]+)(ms|s|m)\b/.exec(stdout) ?? [];
  const elapsed = Number(duration) * (unit === 'ms' ? 0.001 : unit === 'm' ? 60 : 1);
  return {
    rps: Number(requests) / elapsed,
    p99Ms: latencyMs(/^\s*99%\s+([\d.]+)(us|ms|s)\s*$/m.exec(stdout)),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0),
    requests: Number(requests),
    ...(pid && cpu > 0 ? { cpuMicrosPerRequest: cpu / Number(requests) } : {}),
  };
}

function latencyMs(match: RegExpExecArray | null): number {
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}

export function hasWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk --version exits 1 after printing its version.
    return (error as { status?: number }).status === 1;
  }
}

type Name = 'bare' | 'nest' | 'app';

export async function httpSection(): Promise<BenchRow[]> {
  if (!hasWrk()) return [{ name: '/status and / against bare Node and NestJS alone', value: 'skipped (wrk not installed)' }];
  const app = await spawnApp({ NODE_OPTIONS: IMAGE_NODE_OPTIONS, LOG_LEVEL: 'info', RATE_LIMIT_STATUS: '999999999/day', RATE_LIMIT_MAIN_PAGE: '999999999/day' });
  pinServer(app.child.pid!);
  const bodies = { json: await (await fetch(`${app.url}/status`)).text(), html: await (await fetch(`${app.url}/`)).text() };
  const servers: Record<Name, Server> = {
    bare: await reference(BARE_SERVER, bodies),
    nest: await reference(NEST_SERVER, bodies),
    app: { url: app.url, pid: app.child.pid!, stop: () => undefined },
  };
  try {
    const rows: BenchRow[] = [];
    for (const path of ['/status', '/']) {
      const best: Record<Name, WrkResult | undefined> = { bare: undefined, nest: undefined, app: undefined };
      for (const server of Object.values(servers)) await wrk(`${server.url}${path}`, 1); // warm-up (JIT)
      for (let round = 0; round < ROUNDS; round++) {
        for (const name of Object.keys(best) as Name[]) {
          const result = await wrk(`${servers[name].url}${path}`, SECONDS, CONNECTIONS, servers[name].pid);
          if (result.non2xx) throw new Error(`${name} answered ${result.non2xx} non-2xx on ${path}`);
          if (!best[name] || result.rps > best[name].rps) best[name] = result;
        }
      }
      const [bare, nest, duck] = [best.bare!, best.nest!, best.app!];
      const share = duck.rps / nest.rps;
      const figure = (result: WrkResult) => `${Math.round(result.rps)} req/s, p99 ${result.p99Ms.toFixed(1)} ms`;
      rows.push(
        { name: `${path}: bare Node http, same bytes (wrk ${CONNECTIONS} conn., best of ${ROUNDS} × ${SECONDS} s)`, value: figure(bare) },
        { name: `${path}: NestJS alone (Express), one controller, same bytes`, value: `${figure(nest)} (${pct(nest.rps / bare.rps)} of bare)` },
        {
          name: `${path}: DUCK-E, as a share of NestJS alone`,
          value: `${Math.round(duck.rps)} req/s = ${pct(share)} (${pct(duck.rps / bare.rps)} of bare)`,
          target: `≥ ${pct(NEST_SHARE_TARGET)}`,
          pass: share >= NEST_SHARE_TARGET,
        },
        {
          // CPU time per request is what a busy neighbour disturbs least: the same comparison, by cost.
          name: `${path}: CPU per request, bare / NestJS alone / DUCK-E (best round of each)`,
          value: `${micros(bare)} / ${micros(nest)} / ${micros(duck)} µs; by CPU, DUCK-E reaches ${nest.cpuMicrosPerRequest && duck.cpuMicrosPerRequest ? pct(nest.cpuMicrosPerRequest / duck.cpuMicrosPerRequest) : '?'} of NestJS alone`,
        },
        { name: `${path}: DUCK-E p99 at ${CONNECTIONS} connections`, value: `${duck.p99Ms.toFixed(1)} ms`, target: `< ${P99_TARGET_MS} ms`, pass: duck.p99Ms < P99_TARGET_MS },
      );
    }
    rows.push({ name: 'conditions', value: `${canPin() ? 'servers pinned to core 0, wrk to core 1' : 'not pinned'}; ${cpus().length} cores shared with whatever else runs` });
    return rows;
  } finally {
    servers.bare.stop();
    servers.nest.stop();
    await app.stop();
  }
}

export const pct = (share: number) => `${(share * 100).toFixed(0)} %`;
const micros = (result: WrkResult) => (result.cpuMicrosPerRequest === undefined ? '?' : result.cpuMicrosPerRequest.toFixed(0));
