import type { IncomingMessage, ServerResponse } from 'node:http';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * The body parsers as one middleware that GET and HEAD requests skip: no route here reads their
 * body, and looking for one (content-type, length, charset) is per-request work for nothing.
 */
export function parseBodiesExceptGetHead(first: Middleware, second: Middleware): Middleware {
  return (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    first(req, res, (error) => (error ? next(error) : second(req, res, next)));
  };
}
