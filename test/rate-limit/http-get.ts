import { Agent, IncomingHttpHeaders, request } from 'node:http';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Wall time from sending to the last byte. */
  ms: number;
}

export interface GetOptions {
  /** Bind the client socket to this loopback address (127.0.0.2 is "another client"). */
  localAddress?: string;
  headers?: Record<string, string>;
  /** false (the default here): a fresh connection per request. */
  agent?: Agent | false;
}

/** One GET over a real socket, with control of the source address that fetch() does not give. */
export function get(url: string, options: GetOptions = {}): Promise<Reply> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress: options.localAddress, headers: options.headers, agent: options.agent ?? false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ms: Date.now() - started }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** `n` GETs one after another. */
export async function getSequentially(n: number, url: string, options: GetOptions | ((i: number) => GetOptions) = {}): Promise<Reply[]> {
  const replies: Reply[] = [];
  for (let i = 0; i < n; i++) replies.push(await get(url, typeof options === 'function' ? options(i) : options));
  return replies;
}

/** A random public-looking IPv4 address (a forged X-Forwarded-For value). */
export function randomIpv4(): string {
  const octet = () => 1 + Math.floor(Math.random() * 223);
  return `${octet()}.${octet()}.${octet()}.${octet()}`;
}

/** The IETF `RateLimit` field's remaining quota (`r=`). */
export function remainingOf(reply: Reply): number | undefined {
  const match = /;r=(\d+)/.exec(String(reply.headers.ratelimit ?? ''));
  return match ? Number(match[1]) : undefined;
}
