import { Agent, request } from 'node:http';

export interface FloodReport {
  /** Answers by HTTP status. */
  statuses: Map<number, number>;
  errors: number;
  durationMs: number;
}

/**
 * One client address hammering a URL over `connections` keep-alive sockets for `durationMs`:
 * each socket sends its next GET as soon as the previous answer ended. Bounded in time; stops
 * by itself.
 */
export async function flood(url: string, options: { connections: number; durationMs: number; localAddress?: string }): Promise<FloodReport> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const statuses = new Map<number, number>();
  let errors = 0;
  const started = Date.now();
  const deadline = started + options.durationMs;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = request(url, { agent, localAddress: options.localAddress }, (res) => {
        statuses.set(res.statusCode ?? 0, (statuses.get(res.statusCode ?? 0) ?? 0) + 1);
        res.resume();
        res.on('end', resolve);
        res.on('error', () => resolve());
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end();
    });
  const worker = async () => {
    while (Date.now() < deadline) await one();
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  agent.destroy();
  return { statuses, errors, durationMs: Date.now() - started };
}
