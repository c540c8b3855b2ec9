import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { openaiConfig } from '../../config/openai.config';
import type { RealtimeSessionCreateRequest } from 'openai/resources/realtime/realtime';
import { readOpenAiError, RealtimeUpstreamError } from './realtime-upstream.error';

export interface CreatedCall {
  /** From the `Location` header: /v1/realtime/calls/{call_id}. */
  callId: string;
  /** The SDP answer for the browser. */
  answer: string;
}

export type HangupResult = 'hung_up' | 'already_ended';

const CREATE_TIMEOUT_MS = 8_000;
const HANGUP_TIMEOUT_MS = 3_000;
const HANGUP_RETRY_DELAYS_MS = [200, 600];
const CALL_ID = /^[A-Za-z0-9_-]{1,128}$/;
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * OpenAI's Realtime call-control REST API, with the server's standard key: create a WebRTC call
 * from the browser's offer (the unified interface) and hang it up. Creating is never retried
 * (a retry could open a second, unmetered call); hanging up is idempotent and retried.
 */
@Injectable()
export class RealtimeCallsClient {
  private readonly logger = new Logger(RealtimeCallsClient.name);

  constructor(@Inject(openaiConfig.KEY) private readonly config: ConfigType<typeof openaiConfig>) {}

  /** False when OPENAI_API_KEY is unset: sessions are refused with not_configured. */
  get configured(): boolean {
    return Boolean(this.config.apiKey);
  }

  /** POST /realtime/calls (multipart `sdp` + `session`) → the call id and the SDP answer. */
  async create(offer: string, session: RealtimeSessionCreateRequest): Promise<CreatedCall> {
    const form = new FormData();
    form.set('sdp', offer);
    form.set('session', JSON.stringify(session));
    let response: Response;
    try {
      response = await fetch(`${this.config.baseUrl}/realtime/calls`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${this.config.apiKey}`, Accept: 'application/sdp' },
        body: form,
        signal: AbortSignal.timeout(CREATE_TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (error) {
      throw RealtimeUpstreamError.fromNetwork('creating the call', error);
    }
    if (response.status !== 201 && response.status !== 200) {
      const { code, message } = await readOpenAiError(response);
      throw RealtimeUpstreamError.fromStatus('creating the call', response.status, code, message);
    }
    const callId = response.headers.get('location')?.split('/').pop() ?? '';
    const answer = await response.text().catch(() => '');
    if (!CALL_ID.test(callId)) {
      throw new RealtimeUpstreamError('creating the call: no call id in Location', response.status, 'no_call_id', false);
    }
    if (!answer.startsWith('v=0') || answer.length > MAX_ANSWER_BYTES) {
      // The call exists upstream but is unusable: end it so it cannot run unmetered.
      await this.hangup(callId).catch(() => undefined);
      throw new RealtimeUpstreamError('creating the call: the answer is not SDP', response.status, 'bad_answer', false);
    }
    return { callId, answer };
  }

  /** POST /realtime/calls/{id}/hangup; a call OpenAI no longer knows counts as ended. */
  async hangup(callId: string): Promise<HangupResult> {
    let lastError: RealtimeUpstreamError | undefined;
    for (let attempt = 0; attempt <= HANGUP_RETRY_DELAYS_MS.length; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, HANGUP_RETRY_DELAYS_MS[attempt - 1]));
      try {
        const response = await fetch(`${this.config.baseUrl}/realtime/calls/${encodeURIComponent(callId)}/hangup`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${this.config.apiKey}` },
          signal: AbortSignal.timeout(HANGUP_TIMEOUT_MS),
          redirect: 'error',
        });
        if (response.ok) {
          await response.arrayBuffer().catch(() => undefined);
          return 'hung_up';
        }
        const { code, message } = await readOpenAiError(response);
        if (response.status === 404) return 'already_ended';
        lastError = RealtimeUpstreamError.fromStatus('hanging up', response.status, code, message);
        if (!lastError.retryable) break;
      } catch (error) {
        lastError = RealtimeUpstreamError.fromNetwork('hanging up', error);
      }
      this.logger.warn(`hang-up of ${callId} failed (attempt ${attempt + 1}): ${lastError.message}`);
    }
    throw lastError ?? new RealtimeUpstreamError('hanging up failed', undefined, undefined, true);
  }
}
