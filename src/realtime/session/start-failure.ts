import { RealtimeUpstreamError } from '../openai/realtime-upstream.error';
import { CloseCode, type CloseCodeValue } from '../protocol/close-codes';

/** What the browser is told when its call could not be started: the `error` and the close code. */
export interface StartFailure {
  message: string;
  retryAfterSec?: number;
  closeCode: CloseCodeValue;
}

/**
 * Creating or attaching the call failed. Only an answer OpenAI would repeat (an upstream error
 * that is not retryable, such as a 400 or 401) means "do not try again"; anything else may pass
 * (timeouts, 429, 5xx, a sideband that would not attach), so the browser retries in a moment.
 */
export function startFailure(error: unknown): StartFailure {
  const retryable = error instanceof RealtimeUpstreamError ? error.retryable : true;
  return retryable
    ? { message: 'The voice service is not answering right now; try again in a moment.', retryAfterSec: 5, closeCode: CloseCode.TryAgainLater }
    : { message: 'The voice service refused to start this conversation.', closeCode: CloseCode.ServerFault };
}
