import { Logger } from '@nestjs/common';
import { APIConnectionTimeoutError, APIUserAbortError, InternalServerError } from 'openai';
import type { Response } from 'openai/resources/responses/responses';
import { Counter, Registry } from 'prom-client';
import type { BackendUsage, ClientIdentity, LimitedTool, ToolCallContext, ToolLimitDecision, ToolLimiter } from '../../common/session-ports';
import { WEB_SEARCH_OUTPUT_TOKENS, type OpenAIResponsesClient } from './openai-responses.client';
import type { DiscoveryService } from '@nestjs/core';
import { toolMetrics } from '../../../test/tools/tool-kit';
import { ToolRegistry } from '../tool-registry.service';
import { WebSearchService } from './web-search.service';
import { WebSearchTool } from './web-search.tool';

const ANSWER = {
  id: 'resp_abc',
  status: 'completed',
  output: [
    { type: 'web_search_call', id: 'ws', status: 'completed', action: { type: 'search', query: 'q' } },
    { type: 'message', id: 'm', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'It is 24 dollars.', annotations: [{ type: 'url_citation', url: 'https://example.org/', title: 'Example', start_index: 0, end_index: 2 }] }] },
  ],
  usage: { input_tokens: 9_000, input_tokens_details: { cached_tokens: 0 }, output_tokens: 40, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 9_040 },
  tool_usage: { web_search: { num_requests: 1 } },
} as unknown as Response;

/** The OpenAI client (an outside system), scripted. */
class ScriptedClient {
  configured = true;
  model = 'gpt-5.4-mini';
  queries: string[] = [];
  budgets: number[] = [];
  next: Response | Error = ANSWER;
  /** Answers before `next`, in order. */
  queue: Array<Response | Error> = [];
  async webSearch(query: string, _signal?: AbortSignal, maxOutputTokens = 0): Promise<Response> {
    this.queries.push(query);
    this.budgets.push(maxOutputTokens);
    const answer = this.queue.shift() ?? this.next;
    if (answer instanceof Error) throw answer;
    return answer;
  }
}

class ScriptedLimiter implements ToolLimiter {
  decision: ToolLimitDecision = { allowed: true };
  readonly calls: LimitedTool[] = [];
  async consume(tool: LimitedTool, _identity: ClientIdentity): Promise<ToolLimitDecision> {
    this.calls.push(tool);
    return this.decision;
  }
}

describe('WebSearchService', () => {
  let client: ScriptedClient;
  let limiter: ScriptedLimiter;
  let errors: Counter<'upstream'>;
  let service: WebSearchService;
  let registry: ToolRegistry;
  let reported: BackendUsage[];
  let context: ToolCallContext;

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']));
  beforeEach(() => {
    client = new ScriptedClient();
    limiter = new ScriptedLimiter();
    errors = new Counter({ name: 'ducke_upstream_errors_total', help: 'h', labelNames: ['upstream'], registers: [new Registry()] });
    service = new WebSearchService(client as unknown as OpenAIResponsesClient, errors);
    // The search limit is counted by the registry before the tool runs.
    const metrics = toolMetrics();
    registry = new ToolRegistry({ getProviders: () => [] } as unknown as DiscoveryService, limiter, metrics.calls, metrics.duration);
    registry.register(new WebSearchTool(service));
    reported = [];
    context = {
      sessionId: 's',
      requestId: 's',
      identity: { ip: '198.51.100.9', clientKey: '198.51.100.9' },
      signal: new AbortController().signal,
      reportBackendUsage: async (usage) => void reported.push(usage),
    };
  });

  /** web_search as a session calls it: limit, then the service; the output parsed back. */
  const search = async (query: string) => {
    const outcome = await registry.run('web_search', JSON.stringify({ query }), context);
    return { outcome: outcome.outcome, output: JSON.parse(outcome.output) as Record<string, unknown> };
  };

  const errorCount = async () => (await errors.get()).values.find((value) => value.labels.upstream === 'openai_responses')?.value ?? 0;

  it('answers with the text and sources, and reports the spend with the response id', async () => {
    expect(await search('price of AT&T stock')).toEqual({
      outcome: 'ok',
      output: { answer: 'It is 24 dollars.', sources: [{ title: 'Example', url: 'https://example.org/' }] },
    });
    expect(client.queries).toEqual(['price of AT&T stock']);
    expect(limiter.calls).toEqual(['web_search']);
    expect(reported).toEqual([{ id: 'resp_abc', model: 'gpt-5.4-mini', inputTokens: 9_000, cachedInputTokens: 0, outputTokens: 40, webSearchCalls: 1 }]);
  });

  it('over the limit: a spoken refusal and no search', async () => {
    limiter.decision = { allowed: false, retryAfterSec: 3_000 };
    expect(await search('news')).toEqual({
      outcome: 'rate_limited',
      output: { error: 'rate_limited', message: "I've hit my web search limit, try again in 50 minutes.", retryAfterSec: 3_000 },
    });
    expect(client.queries).toHaveLength(0);
  });

  it('turns API failures and timeouts into a spoken error and counts them', async () => {
    client.next = new InternalServerError(500, { message: 'boom' }, 'boom', new Headers());
    expect(await service.search('news', context)).toMatchObject({ outcome: 'upstream_error' });
    client.next = new APIConnectionTimeoutError();
    expect(await service.search('news', context)).toMatchObject({ outcome: 'upstream_error' });
    expect(await errorCount()).toBe(2);
    expect(reported).toHaveLength(0);
  });

  it('does not count a search the session abandoned as an upstream error', async () => {
    client.next = new APIUserAbortError();
    expect(await service.search('news', context)).toMatchObject({ outcome: 'upstream_error' });
    expect(await errorCount()).toBe(0);
  });

  it('reports the spend even when the search found nothing useful', async () => {
    client.next = { ...ANSWER, output: [ANSWER.output[0]] } as Response;
    expect(await service.search('zzqx', context)).toMatchObject({ outcome: 'not_found' });
    expect(reported).toHaveLength(1);
  });

  describe('an answer cut off at its token budget (status incomplete)', () => {
    const cutOff = (id: string, reason: 'max_output_tokens' | 'content_filter' = 'max_output_tokens') =>
      ({
        ...ANSWER,
        id,
        status: 'incomplete',
        incomplete_details: { reason },
        output: [{ type: 'reasoning', id: 'rs', summary: [] }, ANSWER.output[0]],
      }) as unknown as Response;

    it('is retried once with more room, and both attempts are metered', async () => {
      client.queue = [cutOff('resp_cut')];
      expect(await service.search('news', context)).toMatchObject({ outcome: 'ok', output: { answer: 'It is 24 dollars.' } });
      expect(client.budgets).toEqual([WEB_SEARCH_OUTPUT_TOKENS.first, WEB_SEARCH_OUTPUT_TOKENS.retry]);
      expect(WEB_SEARCH_OUTPUT_TOKENS.retry).toBeGreaterThan(WEB_SEARCH_OUTPUT_TOKENS.first);
      expect(reported.map((usage) => usage.id)).toEqual(['resp_cut', 'resp_abc']);
    });

    it('cut off twice: a clear "search failed", not "found nothing"', async () => {
      client.queue = [cutOff('resp_1'), cutOff('resp_2')];
      const result = await service.search('news', context);
      expect(result).toMatchObject({ outcome: 'upstream_error', output: { message: expect.stringContaining('The web search failed') } });
      expect(client.budgets).toHaveLength(2);
      expect(reported).toHaveLength(2);
      expect(await errorCount()).toBe(1);
    });

    it('cut off for another reason (content filter): failed at once, no retry', async () => {
      client.queue = [cutOff('resp_1', 'content_filter')];
      expect(await service.search('news', context)).toMatchObject({ outcome: 'upstream_error', output: { message: expect.stringContaining('failed') } });
      expect(client.budgets).toHaveLength(1);
    });
  });

  it('still answers when reporting the spend fails', async () => {
    context.reportBackendUsage = async () => {
      throw new Error('ledger down');
    };
    expect(await service.search('news', context)).toMatchObject({ outcome: 'ok' });
  });

  it('without OPENAI_API_KEY: says so, counts nothing against the limit', async () => {
    client.configured = false;
    expect(await search('news')).toMatchObject({ outcome: 'upstream_error', output: { message: expect.stringContaining('not configured') } });
    expect(limiter.calls).toHaveLength(0);
  });
});
