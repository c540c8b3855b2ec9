import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { join } from 'node:path';

// A web site on one loopback address for web_fetch's tests: plain HTTP (or HTTPS with the test
// certificate, which names only localhost / 127.0.0.1), routes a test defines, and a record of
// every TCP connection, TLS server name and request it saw — so a test can prove that a refused
// fetch never reached it.

export interface SiteRequest {
  path: string;
  host: string | undefined;
  headers: IncomingMessage['headers'];
}

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

const TLS_DIR = join(__dirname, '..', 'tls');

export class FakeSite {
  readonly requests: SiteRequest[] = [];
  /** TCP connections accepted (before any byte of HTTP or TLS). */
  connections = 0;
  private readonly routes = new Map<string, Route>();
  private readonly sockets = new Set<Socket>();
  port = 0;

  private constructor(
    private readonly server: Server,
    readonly host: string,
    readonly secure: boolean,
    /** SNI server names of TLS connections, in order. */
    readonly servernames: string[],
  ) {}

  /** `tls: true` serves the shared test certificate (localhost / 127.0.0.1); or give a key and certificate. */
  static async start(host: string, options: { tls?: boolean | { key: string; cert: string } } = {}): Promise<FakeSite> {
    const material = options.tls === true ? { key: readFileSync(join(TLS_DIR, 'server.key')), cert: readFileSync(join(TLS_DIR, 'server.pem')) } : options.tls || undefined;
    const servernames: string[] = [];
    // The name the client asked for in its TLS hello, recorded before any certificate check.
    const SNICallback = (name: string, callback: (error: Error | null) => void) => {
      servernames.push(name);
      callback(null);
    };
    const server = material ? createHttpsServer({ ...material, SNICallback }) : createHttpServer();
    const site = new FakeSite(server, host, Boolean(options.tls), servernames);
    server.on('connection', (socket: Socket) => {
      site.connections++;
      site.sockets.add(socket);
      socket.on('close', () => site.sockets.delete(socket));
    });
    server.on('tlsClientError', () => undefined);
    server.on('request', (req, res) => site.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
    site.port = (server.address() as { port: number }).port;
    return site;
  }

  /** `http://<name>:<port>` for a name the test resolver maps to this site. */
  origin(name: string): string {
    return `${this.secure ? 'https' : 'http'}://${name}:${this.port}`;
  }

  route(path: string, handler: Route): this {
    this.routes.set(path, handler);
    return this;
  }

  requestsTo(path: string): SiteRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    this.requests.push({ path, host: req.headers.host, headers: req.headers });
    const route = this.routes.get(path);
    if (route) return route(req, res);
    res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not here</h1>');
  }
}

/** A route answering `body` with `contentType`. */
export const page = (contentType: string, body: string): Route => (_req, res) => {
  res.writeHead(200, { 'content-type': contentType }).end(body);
};

/** A route redirecting to `location` with `status`. */
export const redirect = (location: string, status = 302): Route => (_req, res) => {
  res.writeHead(status, { location }).end();
};
