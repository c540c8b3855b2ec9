import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../support/spawned-app';
import { freePort, waitFor } from '../../support/ports';

// A real HAProxy (Debian's `haproxy`) in front of the instances, running the deployment's own
// config: deploy/haproxy/haproxy.cfg with its one `server-template` line (the compose pool,
// found by Docker's DNS) replaced by loopback servers. Everything else — health check on
// /readyz, retries, X-Forwarded-For, timeouts — is the file as shipped.

export const HAPROXY_TEMPLATE = join(ROOT, 'deploy', 'haproxy', 'haproxy.cfg');
/** Debian installs it in /usr/sbin, which a non-root PATH may lack. */
const HAPROXY = existsSync('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : 'haproxy';

export interface BackendServer {
  name: string;
  port: number;
}

/** The shipped config with `servers` in place of the compose pool. */
export function configFor(servers: BackendServer[]): string {
  const template = readFileSync(HAPROXY_TEMPLATE, 'utf8');
  const pool = /^\s*server-template .*$/m;
  if (!pool.test(template)) throw new Error(`${HAPROXY_TEMPLATE} has no server-template line`);
  return template.replace(pool, servers.map(({ name, port }) => `    server ${name} 127.0.0.1:${port}`).join('\n'));
}

/** `haproxy -c`: null when the config is valid, else HAProxy's own words. */
export function checkConfig(path: string, env: Record<string, string> = {}): string | null {
  const result = spawnSync(HAPROXY, ['-c', '-f', path], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 10_000 });
  if (result.error) throw new Error(`could not run haproxy: ${result.error.message} (apt-get install -y haproxy)`);
  return result.status === 0 ? null : `${result.stdout}${result.stderr}`;
}

export type ServerState = 'UP' | 'DOWN' | 'MAINT' | 'NOLB' | string;

export class HaproxyBalancer {
  private output = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly port: number,
    readonly statsPort: number,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  /** Start HAProxy on a free loopback port; `checkInter` is how often each /readyz is asked. */
  static async start(servers: BackendServer[], checkInter = '250ms'): Promise<HaproxyBalancer> {
    const dir = mkdtempSync(join(tmpdir(), 'ducke-haproxy-'));
    const path = join(dir, 'haproxy.cfg');
    writeFileSync(path, configFor(servers));
    const [port, statsPort] = [await freePort(), await freePort()];
    const env = { DUCKE_LB_BIND: `127.0.0.1:${port}`, DUCKE_LB_STATS_BIND: `127.0.0.1:${statsPort}`, DUCKE_LB_CHECK_INTER: checkInter, DUCKE_LB_MAXCONN: '4000' };
    const problem = checkConfig(path, env);
    if (problem) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`haproxy -c refused the generated config:\n${problem}`);
    }
    // -db: stay in the foreground, so the test owns the process.
    const child = spawn(HAPROXY, ['-db', '-f', path], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const balancer = new HaproxyBalancer(child, dir, port, statsPort);
    try {
      await waitFor(async () => {
        if (child.exitCode !== null) throw new Error(`haproxy exited:\n${balancer.output}`);
        const states = await balancer.states();
        return servers.every(({ name }) => states.get(name) === 'UP');
      }, 15_000, 50);
    } catch (error) {
      await balancer.stop();
      throw error;
    }
    return balancer;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  logs(): string {
    return this.output;
  }

  /** Each server's state as the balancer sees it (stats CSV: "UP", "DOWN", "UP 1/2"…). */
  async states(): Promise<Map<string, ServerState>> {
    return new Map([...(await this.servers())].map(([name, { status }]) => [name, status]));
  }

  /** Each server's state and its connections open now (the stats' `scur`). */
  async servers(): Promise<Map<string, { status: ServerState; current: number }>> {
    const csv = await (await fetch(`http://127.0.0.1:${this.statsPort}/stats;csv`)).text();
    const [header, ...rows] = csv.split('\n').filter(Boolean);
    const columns = header.replace(/^# /, '').split(',');
    const [px, sv, status, scur] = ['pxname', 'svname', 'status', 'scur'].map((name) => columns.indexOf(name));
    const servers = new Map<string, { status: ServerState; current: number }>();
    for (const row of rows) {
      const cells = row.split(',');
      if (cells[px] === 'duck_e' && !['FRONTEND', 'BACKEND'].includes(cells[sv])) servers.set(cells[sv], { status: cells[status], current: Number(cells[scur]) });
    }
    return servers;
  }

  /** The backend's retries and redispatches so far (stats `wretr`, `wredis`): refused upgrades sent elsewhere. */
  async retries(): Promise<{ retries: number; redispatches: number }> {
    const csv = await (await fetch(`http://127.0.0.1:${this.statsPort}/stats;csv`)).text();
    const [header, ...rows] = csv.split('\n').filter(Boolean);
    const columns = header.replace(/^# /, '').split(',');
    const backend = rows.map((row) => row.split(',')).find((cells) => cells[columns.indexOf('pxname')] === 'duck_e' && cells[columns.indexOf('svname')] === 'BACKEND');
    return { retries: Number(backend?.[columns.indexOf('wretr')] ?? 0), redispatches: Number(backend?.[columns.indexOf('wredis')] ?? 0) };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGKILL');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
