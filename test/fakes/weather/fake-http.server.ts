import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';

// The plain-HTTP base of the fake weather APIs: a loopback server with a request log and a queue
// of faults per path, so a test can make the next request fail, hang, redirect or send too much.

export interface LoggedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  at: number;
}

export type Fault =
  /** Answer with this status (and a body in the API's error shape when given). */
  | { status: number; body?: unknown }
  /** Accept the request and never answer (until the server stops). */
  | { hang: true }
  /** Send a JSON-looking body of this many bytes (no Content-Length: chunked). */
  | { oversizeBytes: number; declareLength?: boolean }
  /** Redirect elsewhere. */
  | { redirectTo: string }
  /** Drop the connection without an answer. */
  | { reset: true };

export type Handler = (request: LoggedRequest, res: ServerResponse) => void;

export abstract class FakeHttpServer {
  readonly requests: LoggedRequest[] = [];
  private readonly faults = new Map<string, Fault[]>();
  private readonly hanging = new Set<ServerResponse>();
  private server!: Server;
  port = 0;

  /** http://127.0.0.1:<port>/v1 */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** The next requests to `path` (e.g. /v1/search) get these faults, in order. */
  fail(path: string, ...faults: Fault[]): void {
    this.faults.set(path, [...(this.faults.get(path) ?? []), ...faults]);
  }

  requestsTo(path: string): LoggedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  clear(): void {
    this.requests.length = 0;
    this.faults.clear();
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  protected abstract handle(request: LoggedRequest, res: ServerResponse): void;

  protected listen(): Promise<void> {
    this.server = createServer((req, res) => this.dispatch(req, res));
    return new Promise((resolve) =>
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.address() as { port: number }).port;
        resolve();
      }),
    );
  }

  private dispatch(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const request: LoggedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, at: Date.now() };
    this.requests.push(request);
    const fault = this.faults.get(request.path)?.shift();
    if (fault) return this.inject(fault, res);
    try {
      this.handle(request, res);
    } catch (error) {
      sendJson(res, 500, { error: true, reason: `fake failed: ${(error as Error).message}` });
    }
  }

  private inject(fault: Fault, res: ServerResponse): void {
    if ('hang' in fault) {
      this.hanging.add(res);
      return;
    }
    if ('reset' in fault) {
      res.socket?.destroy();
      return;
    }
    if ('redirectTo' in fault) {
      res.writeHead(302, { location: fault.redirectTo });
      res.end();
      return;
    }
    if ('oversizeBytes' in fault) {
      const filler = `{"padding":"${'x'.repeat(fault.oversizeBytes)}"}`;
      res.writeHead(200, { 'content-type': 'application/json', ...(fault.declareLength ? { 'content-length': Buffer.byteLength(filler) } : {}) });
      res.end(filler);
      return;
    }
    sendJson(res, fault.status, fault.body ?? { error: true, reason: 'Internal Server Error' });
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
