import { readdirSync, readFileSync } from 'node:fs';

// What the reliability suite reads about a running DUCK-E process, from the outside only: the
// kernel's view (/proc: resident memory, open file descriptors) and what the service itself
// publishes (/status, /metrics). No test hook inside the app.

export interface ConversationsStatus {
  active: number;
  starting: number;
  ending: number;
  hangupsPending: number;
  accepting: boolean;
}

export interface StatusBody {
  status: 'ok' | 'degraded';
  reasons?: string[];
  conversations: ConversationsStatus;
  sessions: { accepting: boolean; reason?: string; reservedUsd?: number; hourlySpendUsd?: number; retryAfterSec?: number };
  rateLimit?: { enabled: boolean; counting: string };
  [section: string]: unknown;
}

/** One Prometheus sample: `name{a="b"}` → value. */
export type MetricSamples = Map<string, number>;

export class ServerProbe {
  constructor(
    readonly url: string,
    readonly pid: number,
    /** Source address for the probe's own requests, so they never use a load client's rate budget. */
    private readonly localAddress = '127.0.0.3',
  ) {}

  rssBytes(): number {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  }

  fdCount(): number {
    return readdirSync(`/proc/${this.pid}/fd`).length;
  }

  async status(): Promise<StatusBody> {
    return (await this.get('/status')).json() as Promise<StatusBody>;
  }

  async metrics(): Promise<MetricSamples> {
    return parseMetrics(await (await this.get('/metrics')).text());
  }

  /** Sum of every sample of `name` whose labels include `labels`. */
  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    return sumOf(await this.metrics(), name, labels);
  }

  private get(path: string): Promise<Response> {
    return fetchFrom(this.localAddress, `${this.url}${path}`);
  }
}

/** A GET from a chosen loopback source address (Node's fetch cannot bind one). */
export async function fetchFrom(localAddress: string, url: string): Promise<Response> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress, headers: { connection: 'close' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const headers = new Headers();
        for (const [key, value] of Object.entries(res.headers)) if (typeof value === 'string') headers.set(key, value);
        resolve(new Response(Buffer.concat(chunks), { status: res.statusCode, headers }));
      });
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

export function parseMetrics(text: string): MetricSamples {
  const samples: MetricSamples = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^(\S+?)(\{.*\})?\s+(\S+)$/.exec(line);
    if (match) samples.set(`${match[1]}${match[2] ?? ''}`, Number(match[3]));
  }
  return samples;
}

export function sumOf(samples: MetricSamples, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const [key, value] of samples) {
    const brace = key.indexOf('{');
    if ((brace < 0 ? key : key.slice(0, brace)) !== name) continue;
    if (Object.entries(labels).every(([label, wanted]) => key.includes(`${label}="${wanted}"`))) sum += value;
  }
  return sum;
}
