import type { Server } from 'node:http';

// Limits on the HTTP server itself, against clients that hold sockets without finishing a
// request ("slowloris") or send absurd request heads. Node's defaults let a request head take a
// minute and only look every 30 s, so a few hundred slow sockets hold a small instance's file
// descriptors for up to 90 s; these shed them within about 11 s. Upgraded /session sockets are
// no longer HTTP requests and are not affected.

export const HTTP_SERVER_LIMITS = {
  /** The whole request head must arrive within this (Node: 60 s). */
  headersTimeoutMs: 10_000,
  /** The whole request, head and body (bodies are a few KB here), within this (Node: 300 s). */
  requestTimeoutMs: 30_000,
  /** An idle keep-alive connection is closed after this (Node's default, stated). */
  keepAliveTimeoutMs: 5_000,
  /** How often the server looks for requests past those timeouts (Node: 30 s). */
  connectionsCheckingIntervalMs: 1_000,
  /** Header lines parsed per request (Node: 2,000); a browser sends about 20. Heads over 16 KiB get 431. */
  maxHeadersCount: 100,
};

/** Apply HTTP_SERVER_LIMITS; call before listen() (the check interval is read when listening starts). */
export function limitHttpServer(server: Server): void {
  server.headersTimeout = HTTP_SERVER_LIMITS.headersTimeoutMs;
  server.requestTimeout = HTTP_SERVER_LIMITS.requestTimeoutMs;
  server.keepAliveTimeout = HTTP_SERVER_LIMITS.keepAliveTimeoutMs;
  server.maxHeadersCount = HTTP_SERVER_LIMITS.maxHeadersCount;
  // A constructor option in Node's types, but read from the server when it starts listening.
  Object.assign(server, { connectionsCheckingInterval: HTTP_SERVER_LIMITS.connectionsCheckingIntervalMs });
}
