import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An incoming X-Request-Id is kept only when it is short and plain. */
const REQUEST_ID = /^[\w.:-]{1,64}$/;

export type RequestWithId = IncomingMessage & { id?: string };

/**
 * Give every request an id and echo it in X-Request-Id. Mounted before anything else (static
 * assets are served ahead of Nest's middleware), so every response carries one; the request log
 * reuses the same id.
 */
export function assignRequestId(req: RequestWithId, res: ServerResponse, next: () => void): void {
  req.id = requestIdOf(req, res);
  next();
}

/** The request's id: already assigned, or a sane incoming one, or a new UUID (echoed back). */
export function requestIdOf(req: RequestWithId, res: ServerResponse): string {
  if (req.id) return req.id;
  const id = newRequestIdFor(req);
  res.setHeader('X-Request-Id', id);
  return id;
}

/** A sane incoming X-Request-Id, or a new UUID (for answers written without setHeader). */
export function newRequestIdFor(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}
