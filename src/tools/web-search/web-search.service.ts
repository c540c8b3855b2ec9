import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Response } from 'openai/resources/responses/responses';
import type { Counter } from 'prom-client';
import type { ToolCallContext, ToolLimiter } from '../../common/session-ports';
import { TOOL_LIMITER } from '../../common/session-ports';
import type { ToolResult } from '../tool';
import { answer, failure, rateLimited } from '../tool-result';
import { UPSTREAM_ERRORS_TOTAL } from '../tool-metrics';
import { OpenAIResponsesClient } from './openai-responses.client';
import { backendUsage, shapeAnswer } from './search-answer';

/**
 * One web search for the model: count it against the caller's search limit, ask the Responses
 * API, report its tokens and billable searches as the session's backend spend, and answer with a
 * short text and its sources. Failures become results the model can speak.
 */
@Injectable()
export class WebSearchService {
  private readonly logger = new Logger(WebSearchService.name);

  constructor(
    private readonly client: OpenAIResponsesClient,
    @Inject(TOOL_LIMITER) private readonly limiter: ToolLimiter,
    @InjectMetric(UPSTREAM_ERRORS_TOTAL) private readonly upstreamErrors: Counter<'upstream'>,
  ) {}

  async search(query: string, context: ToolCallContext): Promise<ToolResult> {
    if (!this.client.configured) return failure('upstream_error', 'Web search is not configured on this server.');
    const refusal = await this.checkLimit(context);
    if (refusal) return refusal;

    let response: Response;
    try {
      response = await this.client.webSearch(query, context.signal);
    } catch (error) {
      if (!isAbortedByCaller(error)) this.upstreamErrors.inc({ upstream: 'openai_responses' });
      this.logger.warn(`web search failed (request ${context.requestId}): ${describeError(error)}`);
      return failure('upstream_error', 'Web search is not answering right now; try again in a minute.');
    }

    await this.report(response, context);
    const { answer: text, sources } = shapeAnswer(response);
    if (!text) return failure('not_found', "The search found nothing useful; try asking it differently.");
    return answer({ answer: text, sources });
  }

  private async checkLimit(context: ToolCallContext): Promise<ToolResult | undefined> {
    try {
      const decision = await this.limiter.consume('web_search', context.identity);
      return decision.allowed ? undefined : rateLimited('web search', decision.retryAfterSec);
    } catch (error) {
      // Searches cost money: refuse when the limit cannot be checked.
      this.logger.warn(`web search limit check failed (request ${context.requestId}): ${(error as Error).message}`);
      return failure('upstream_error', "I can't check my web search limit right now; try again in a minute.");
    }
  }

  /** The spend happened whatever the answer says, so it is reported before shaping. */
  private async report(response: Response, context: ToolCallContext): Promise<void> {
    try {
      await context.reportBackendUsage(backendUsage(response, this.client.model));
    } catch (error) {
      this.logger.error(`could not report web search spend (request ${context.requestId}): ${(error as Error).message}`);
    }
  }
}

/** Status and class only: SDK messages can echo request details. */
function describeError(error: unknown): string {
  const status = (error as { status?: unknown }).status;
  return `${(error as Error)?.constructor?.name ?? 'Error'}${typeof status === 'number' ? ` ${status}` : ''}`;
}

/** The SDK's own "aborted by the caller" (the call's signal fired); the SDK is loaded lazily. */
function isAbortedByCaller(error: unknown): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { APIUserAbortError } = require('openai') as typeof import('openai');
  return error instanceof APIUserAbortError;
}
