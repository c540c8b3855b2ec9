import type { ErrorObject } from 'openai/resources/shared';

/**
 * A failed call to OpenAI's Realtime API (REST or sideband). `retryable` says whether the same
 * request may succeed later (429, 5xx, timeouts, network), which decides the close code the
 * browser gets (1013 try again later vs 1011 server fault). The upstream's own message stays in
 * the logs; the browser gets plain words.
 */
export class RealtimeUpstreamError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code: string | undefined,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'RealtimeUpstreamError';
  }

  static fromStatus(operation: string, status: number, code: string | undefined, upstreamMessage: string | undefined): RealtimeUpstreamError {
    const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
    const detail = [code, upstreamMessage].filter(Boolean).join(': ');
    return new RealtimeUpstreamError(`${operation} failed with HTTP ${status}${detail ? ` (${detail})` : ''}`, status, code, retryable);
  }

  static fromNetwork(operation: string, error: unknown): RealtimeUpstreamError {
    const timedOut = (error as Error)?.name === 'TimeoutError';
    const cause = timedOut ? 'timed out' : `failed: ${(error as Error)?.message ?? String(error)}`;
    return new RealtimeUpstreamError(`${operation} ${cause}`, undefined, timedOut ? 'timeout' : 'network', true);
  }
}

/** OpenAI's error body `{ error: ErrorObject }` (the SDK's type), read defensively. */
export async function readOpenAiError(response: Response): Promise<{ code?: string; message?: string }> {
  try {
    const body = (await response.json()) as { error?: Partial<ErrorObject> } | null;
    const code = typeof body?.error?.code === 'string' ? body.error.code : undefined;
    const message = typeof body?.error?.message === 'string' ? body.error.message.slice(0, 300) : undefined;
    return { code, message };
  } catch {
    return {};
  }
}
