import { ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitFor } from '../support/ports';
import { prometheusConfigDir, readCompose, shellScriptOf } from './monitoring-files';

export interface QueryResult {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> };
}

/**
 * A real Prometheus (Debian's `prometheus`) on a free loopback port, started through the
 * compose file's own entrypoint script, with monitoring/prometheus.yml pointed at `appPort`
 * and scraping every second.
 */
export class PrometheusServer {
  private constructor(
    readonly url: string,
    readonly configDir: string,
    private readonly child: ChildProcess,
    private readonly output: () => string,
  ) {}

  static async start(appPort: number, metricsToken?: string): Promise<PrometheusServer> {
    const port = await freePort();
    const dir = prometheusConfigDir((config) => {
      config.global = { scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '1s' };
      for (const job of config.scrape_configs) {
        job.static_configs = [{ targets: [job.job_name === 'duck-e' ? `127.0.0.1:${appPort}` : `127.0.0.1:${port}`] }];
      }
    });
    const script = `${shellScriptOf(readCompose().services.prometheus)
      .replaceAll('/etc/prometheus', dir)
      .replace('exec /bin/prometheus', 'exec prometheus')
      .replace('--storage.tsdb.path=/prometheus', `--storage.tsdb.path=${join(dir, 'data')}`)} --web.listen-address=127.0.0.1:${port} --log.level=warn`;
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
    if (metricsToken !== undefined) env.METRICS_TOKEN = metricsToken;
    const child = spawn('/bin/sh', ['-c', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const server = new PrometheusServer(`http://127.0.0.1:${port}`, dir, child, () => output);
    try {
      await waitFor(async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited: ${output}`);
        return (await fetch(`${server.url}/-/ready`)).ok;
      }, 15_000, 50);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  async query(expr: string): Promise<QueryResult> {
    const response = await fetch(`${this.url}/api/v1/query?${new URLSearchParams({ query: expr })}`);
    return (await response.json()) as QueryResult;
  }

  /** The single value of an instant query, or undefined when it returns no series. */
  async value(expr: string): Promise<number | undefined> {
    const result = await this.query(expr);
    const first = result.data?.result[0];
    return first ? Number(first.value[1]) : undefined;
  }

  async api<T>(path: string): Promise<T> {
    const response = await fetch(`${this.url}${path}`);
    return ((await response.json()) as { data: T }).data;
  }

  logs(): string {
    return this.output();
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.configDir, { recursive: true, force: true });
  }
}
