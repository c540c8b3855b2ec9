import type { IncomingMessage, ServerResponse } from 'node:http';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * A body parser that GET and HEAD requests skip: no route here reads their body, and looking
 * for one (content-type, length, charset) is per-request work for nothing.
 */
export function skipWithoutBody(parser: Middleware): Middleware {
  return (req, res, next) => (req.method === 'GET' || req.method === 'HEAD' ? next() : parser(req, res, next));
}
