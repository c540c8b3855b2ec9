import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An incoming X-Request-Id is kept only when it is short and plain. */
const REQUEST_ID = /^[\w.:-]{1,64}$/;

export type RequestWithId = IncomingMessage & { id?: string };

/**
 * The request's id: already assigned, or a sane incoming one, or a new UUID (echoed back in
 * X-Request-Id). configureApp assigns it before anything else (static assets are served ahead
 * of Nest's middleware), and the request log reuses it.
 */
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
