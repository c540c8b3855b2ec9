import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import type { ErrorObject } from 'openai/resources/shared';

// A local stand-in for api.openai.com: HTTPS + WSS on one 127.0.0.1 port, with the test CA in
// test/fakes/tls (trusted through NODE_EXTRA_CA_CERTS). It speaks the real paths and JSON shapes;
// feature handlers register their routes on it (Responses API, Realtime calls, the sideband).
// Every request is recorded so tests can assert what the app sent.

const TLS_DIR = join(__dirname, '..', 'tls');

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. /v1/realtime/calls. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
  at: number;
}

export type RouteHandler = (request: RecordedRequest, res: ServerResponse) => void | Promise<void>;
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

interface Route {
  method: string;
  path: string | RegExp;
  handler: RouteHandler;
}

/** OpenAI's error body: `{ error: ErrorObject }` (the SDK's type: message, type, param, code). */
export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  code: string | null = null,
  type = 'invalid_request_error',
  param: string | null = null,
): void {
  const error: ErrorObject = { message, type, param, code };
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ error }));
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export class FakeOpenAI {
  /** Every HTTP request received, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Keys the fake accepts as `Authorization: Bearer <key>`. */
  readonly apiKeys = new Set(['sk-test-duck-e']);
  private readonly routes: Route[] = [];
  private readonly upgrades = new Map<string, UpgradeHandler>();
  private server!: Server;
  port = 0;

  static async start(): Promise<FakeOpenAI> {
    const fake = new FakeOpenAI();
    await fake.listen();
    return fake;
  }

  /** The value for OPENAI_BASE_URL. */
  get baseUrl(): string {
    return `https://127.0.0.1:${this.port}/v1`;
  }

  get apiKey(): string {
    return [...this.apiKeys][0];
  }

  route(method: string, path: string | RegExp, handler: RouteHandler): void {
    this.routes.push({ method, path, handler });
  }

  /** Handle WebSocket upgrades on `pathname` (e.g. /v1/realtime). */
  onUpgrade(pathname: string, handler: UpgradeHandler): void {
    this.upgrades.set(pathname, handler);
  }

  /** Requests to one path (and method). */
  requestsTo(path: string | RegExp, method = 'POST'): RecordedRequest[] {
    return this.requests.filter(
      (request) => request.method === method && (typeof path === 'string' ? request.path === path : path.test(request.path)),
    );
  }

  /** True when the request carries one of the accepted keys. */
  isAuthorized(headers: IncomingMessage['headers']): boolean {
    const match = /^Bearer (.+)$/.exec(headers.authorization ?? '');
    return Boolean(match && this.apiKeys.has(match[1]));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private listen(): Promise<void> {
    this.server = createServer(
      { key: readFileSync(join(TLS_DIR, 'server.key')), cert: readFileSync(join(TLS_DIR, 'server.pem')) },
      (req, res) => void this.handle(req, res),
    );
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const pathname = new URL(req.url ?? '/', 'https://fake').pathname;
      const handler = this.upgrades.get(pathname);
      if (handler) handler(req, socket, head);
      else socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    });
    return new Promise((resolve) =>
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.address() as { port: number }).port;
        resolve();
      }),
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'https://fake');
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks),
      at: Date.now(),
    };
    this.requests.push(request);
    if (!this.isAuthorized(req.headers)) {
      sendError(res, 401, 'Incorrect API key provided.', 'invalid_api_key');
      return;
    }
    const route = this.routes.find(
      (candidate) =>
        candidate.method === request.method &&
        (typeof candidate.path === 'string' ? candidate.path === request.path : candidate.path.test(request.path)),
    );
    if (!route) {
      sendError(res, 404, `Unknown request URL: ${request.method} ${request.path}.`, 'unknown_url');
      return;
    }
    try {
      await route.handler(request, res);
    } catch (error) {
      if (!res.headersSent) sendError(res, 500, `fake failed: ${(error as Error).message}`, null, 'server_error');
    }
  }
}
