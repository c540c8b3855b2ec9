import { Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { APIUserAbortError } from 'openai';
import type { Response } from 'openai/resources/responses/responses';
import type { Counter } from 'prom-client';
import type { ToolCallContext } from '../../common/session-ports';
import type { ToolResult } from '../tool';
import { answer, failure } from '../tool-result';
import { UPSTREAM_ERRORS_TOTAL } from '../tool-metrics';
import { OpenAIResponsesClient, WEB_SEARCH_OUTPUT_TOKENS } from './openai-responses.client';
import { backendUsage, shapeAnswer } from './search-answer';

/**
 * One web search for the model (counted against the caller's search limit by the registry): ask the Responses
 * API, report its tokens and billable searches as the session's backend spend, and answer with a
 * short text and its sources. Failures become results the model can speak.
 */
@Injectable()
export class WebSearchService {
  private readonly logger = new Logger(WebSearchService.name);

  constructor(
    private readonly client: OpenAIResponsesClient,
    @InjectMetric(UPSTREAM_ERRORS_TOTAL) private readonly upstreamErrors: Counter<'upstream'>,
  ) {}

  /** Without OPENAI_API_KEY a search is answered "not configured", without counting it against any limit. */
  get configured(): boolean {
    return this.client.configured;
  }

  async search(query: string, context: ToolCallContext): Promise<ToolResult> {
    if (!this.client.configured) return failure('upstream_error', 'Web search is not configured on this server.');

    let response = await this.attempt(query, context, WEB_SEARCH_OUTPUT_TOKENS.first);
    // Cut off at the token budget (the reasoning ate it): once more with more room.
    if (response && incompleteReason(response) === 'max_output_tokens') {
      this.logger.warn(`web search ran out of output tokens (request ${context.requestId}); retrying with ${WEB_SEARCH_OUTPUT_TOKENS.retry}`);
      response = await this.attempt(query, context, WEB_SEARCH_OUTPUT_TOKENS.retry);
    }
    if (!response) return failure('upstream_error', 'Web search is not answering right now; try again in a minute.');
    if (response.status !== undefined && response.status !== 'completed') {
      // Not "nothing found": the search did not finish, and the user should know it failed.
      this.upstreamErrors.inc({ upstream: 'openai_responses' });
      this.logger.warn(`web search ended ${response.status} (${incompleteReason(response) ?? 'no reason given'}) (request ${context.requestId})`);
      return failure('upstream_error', 'The web search failed before it could finish its answer; try again, or ask a narrower question.');
    }
    const { answer: text, sources } = shapeAnswer(response);
    if (!text) return failure('not_found', "The search found nothing useful; try asking it differently.");
    return answer({ answer: text, sources });
  }

  /** One request; its spend is reported whatever it says. Undefined when it failed (logged). */
  private async attempt(query: string, context: ToolCallContext, maxOutputTokens: number): Promise<Response | undefined> {
    let response: Response;
    try {
      response = await this.client.webSearch(query, context.signal, maxOutputTokens);
    } catch (error) {
      if (!(error instanceof APIUserAbortError)) this.upstreamErrors.inc({ upstream: 'openai_responses' });
      this.logger.warn(`web search failed (request ${context.requestId}): ${describeError(error)}`);
      return undefined;
    }
    await this.report(response, context);
    return response;
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

function incompleteReason(response: Response): string | undefined {
  return response.status === 'incomplete' ? (response.incomplete_details?.reason ?? 'unknown') : undefined;
}

/** Status and class only: SDK messages can echo request details. */
function describeError(error: unknown): string {
  const status = (error as { status?: unknown }).status;
  return `${(error as Error)?.constructor?.name ?? 'Error'}${typeof status === 'number' ? ` ${status}` : ''}`;
}
