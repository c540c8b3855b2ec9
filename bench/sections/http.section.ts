import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort, waitFor } from '../../test/support/ports';
import { ROOT, spawnApp } from '../../test/support/spawned-app';
import { IMAGE_NODE_OPTIONS } from '../../test/reliability/support/reliability-stack';
import { BenchRow } from '../measure';

// GET /status through everything the app puts in front of it — request timing, security headers,
// CORS, the rate limiter (on, with a limit out of the way), the status sections — against a bare
// Node `http` server answering the same JSON, each as its own process with the image's
// NODE_OPTIONS, driven by wrk on the same two cores in the same run (and, for scale, Express and
// NestJS alone answering it). Rounds alternate between the servers and the best of each is kept,
// so a neighbour's burst of CPU does not decide the ratio.

const run = promisify(execFile);
const SECONDS = 3;
const ROUNDS = 3;
const CONNECTIONS = 32;

/** A bare Node server answering every request with `body` as JSON (the same bytes /status sent). */
const BARE_SERVER = `
const body = Buffer.from(process.env.BODY);
require('node:http').createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

// For scale, the frameworks alone answering the same JSON from one route: what any app built on
// them can reach on this machine, before a single middleware of its own.
const EXPRESS_SERVER = `
const body = JSON.parse(process.env.BODY);
const app = require('express')();
app.get('/status', (req, res) => res.json(body));
app.listen(Number(process.env.PORT), '127.0.0.1');
`;
const NEST_SERVER = `
require('reflect-metadata');
const { NestFactory } = require('@nestjs/core');
const { Controller, Get, Module } = require('@nestjs/common');
const body = JSON.parse(process.env.BODY);
class StatusController { status() { return body; } }
Get('/status')(StatusController.prototype, 'status', Object.getOwnPropertyDescriptor(StatusController.prototype, 'status'));
Controller()(StatusController);
class AppModule {}
Module({ controllers: [StatusController] })(AppModule);
NestFactory.create(AppModule, { logger: false }).then((app) => app.listen(Number(process.env.PORT), '127.0.0.1'));
`;

interface Server {
  url: string;
  stop(): void;
}

/** One of the reference servers above as its own process, like the app. */
async function reference(script: string, body: string): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, env: { PATH: process.env.PATH, NODE_OPTIONS: IMAGE_NODE_OPTIONS, PORT: String(port), BODY: body }, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/status`;
  await waitFor(async () => (await fetch(url)).ok, 10_000);
  return { url, stop: () => child.kill('SIGKILL') };
}

async function requestsPerSecond(url: string): Promise<number> {
  const { stdout } = await run('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, url]);
  const [, requests, seconds] = /(\d+) requests in ([\d.]+)s/.exec(stdout) ?? [];
  if (/Non-2xx/.test(stdout)) throw new Error(`wrk saw errors on ${url}:\n${stdout}`);
  return Number(requests) / Number(seconds);
}

export async function httpSection(): Promise<BenchRow[]> {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
  } catch (error) {
    if ((error as { status?: number }).status !== 1) return [{ name: '/status vs bare Node http', value: 'skipped (wrk not installed)' }];
  }
  const app = await spawnApp({ NODE_OPTIONS: IMAGE_NODE_OPTIONS, LOG_LEVEL: 'warn', RATE_LIMIT_STATUS: '999999999/day' });
  const body = await (await fetch(`${app.url}/status`)).text();
  const servers: Record<'app' | 'bare' | 'express' | 'nest', Server> = {
    app: { url: `${app.url}/status`, stop: () => undefined },
    bare: await reference(BARE_SERVER, body),
    express: await reference(EXPRESS_SERVER, body),
    nest: await reference(NEST_SERVER, body),
  };
  try {
    const best = { app: 0, bare: 0, express: 0, nest: 0 };
    for (const server of Object.values(servers)) await requestsPerSecond(server.url); // warm-up (JIT)
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of Object.keys(best) as Array<keyof typeof best>) best[name] = Math.max(best[name], await requestsPerSecond(servers[name].url));
    }
    const share = (name: keyof typeof best) => `${Math.round(best[name])} req/s (${((best[name] / best.bare) * 100).toFixed(0)} % of bare Node)`;
    const ratio = best.app / best.bare;
    return [
      { name: `bare Node http server answering the same JSON (wrk, ${CONNECTIONS} connections, best of ${ROUNDS} × ${SECONDS} s)`, value: `${Math.round(best.bare)} req/s` },
      { name: 'for scale: Express alone, one route answering the same JSON', value: share('express') },
      { name: 'for scale: NestJS (Express) alone, one controller answering the same JSON', value: share('nest') },
      { name: 'GET /status through every middleware, as a share of bare Node', value: share('app'), target: '≥ 40 %', pass: ratio >= 0.4 },
    ];
  } finally {
    for (const server of Object.values(servers)) server.stop();
    await app.stop();
  }
}
