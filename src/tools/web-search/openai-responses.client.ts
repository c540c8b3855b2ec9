import { Inject, Injectable, Optional } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import OpenAI from 'openai';
import type { Response } from 'openai/resources/responses/responses';
import { openaiConfig } from '../../config/openai.config';

export interface WebSearchClientOptions {
  /** One attempt's limit. */
  timeoutMs: number;
  /** The SDK retries 408/409/429/5xx and connection errors; one retry at most. */
  maxRetries: number;
}

export const DEFAULT_WEB_SEARCH_CLIENT_OPTIONS: WebSearchClientOptions = { timeoutMs: 12_000, maxRetries: 1 };

/** Optional override of the defaults (tests shorten the timeout). */
export const WEB_SEARCH_CLIENT_OPTIONS = Symbol('WEB_SEARCH_CLIENT_OPTIONS');

/**
 * Output-token budgets of one search: reasoning tokens count against `max_output_tokens`, so the
 * budget leaves room for a low-effort reasoning pass, the search calls and a three-sentence
 * answer (well under 200 tokens). An answer cut off at the budget is retried once with RETRY.
 */
export const WEB_SEARCH_OUTPUT_TOKENS = { first: 2_500, retry: 6_000 } as const;

/** How the search model should answer: briefly, for reading aloud. */
const INSTRUCTIONS =
  'Search the web and answer the question in at most three short sentences of plain text that can be read aloud: no lists, no markdown, no URLs in the text. Say so when the sources disagree or when you found nothing reliable.';

/**
 * The OpenAI Responses API with the `web_search` tool, through the `openai` SDK, reached at
 * OPENAI_BASE_URL with the server-side key. One call = one real web search answer with citations.
 */
@Injectable()
export class OpenAIResponsesClient {
  private readonly client: OpenAI | undefined;
  private readonly options: WebSearchClientOptions;

  constructor(
    @Inject(openaiConfig.KEY) private readonly config: ConfigType<typeof openaiConfig>,
    @Optional() @Inject(WEB_SEARCH_CLIENT_OPTIONS) options?: Partial<WebSearchClientOptions>,
  ) {
    this.options = { ...DEFAULT_WEB_SEARCH_CLIENT_OPTIONS, ...options };
    this.client = config.apiKey
      ? new OpenAI({ apiKey: config.apiKey, baseURL: config.baseUrl, timeout: this.options.timeoutMs, maxRetries: this.options.maxRetries })
      : undefined;
  }

  /** False without OPENAI_API_KEY. */
  get configured(): boolean {
    return this.client !== undefined;
  }

  /** The model the searches run on (WEB_SEARCH_MODEL). */
  get model(): string {
    return this.config.webSearchModel;
  }

  /** One search answer; `maxOutputTokens` is the room for reasoning and answer together. */
  async webSearch(query: string, signal?: AbortSignal, maxOutputTokens: number = WEB_SEARCH_OUTPUT_TOKENS.first): Promise<Response> {
    if (!this.client) throw new Error('OPENAI_API_KEY is not set');
    return this.client.responses.create(
      {
        model: this.config.webSearchModel,
        instructions: INSTRUCTIONS,
        input: query,
        tools: [{ type: 'web_search', search_context_size: 'low' }],
        tool_choice: 'auto',
        include: ['web_search_call.action.sources'],
        // A quick lookup needs little thought; more would spend the budget before the answer.
        reasoning: { effort: 'low' },
        max_output_tokens: maxOutputTokens,
        store: false,
      },
      { signal },
    );
  }
}
