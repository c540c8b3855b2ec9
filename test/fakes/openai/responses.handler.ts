import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Response, ResponseCreateParamsNonStreaming, ResponseOutputItem } from 'openai/resources/responses/responses';
import { FakeOpenAI, RecordedRequest, sendError, sendJson } from './fake-openai.server';

// POST /v1/responses on the FakeOpenAI base: the Responses API answering a `web_search` tool
// request the way OpenAI does — a `web_search_call` item (action type "search" with its
// sources), then an assistant message whose output_text carries `url_citation` annotations,
// `usage` and `tool_usage.web_search.num_requests`. Tests queue scenarios to vary it: reasoning
// items first (as reasoning models send), or an answer cut off (`status: "incomplete"`). The
// request and the response are the SDK's own types.

/** The response as it is on the wire: the SDK adds `output_text` itself. */
export type WireResponse = Omit<Response, 'output_text'>;

export interface ResponsesScenario {
  /** The answer text (default: a sentence built from the query). Empty: the model found nothing. */
  answer?: string;
  sources?: Array<{ url: string; title: string }>;
  /** Search actions in the output (default 1); billable searches. */
  searches?: number;
  /** Leave `tool_usage` out (older API versions), so the client must count the search actions. */
  omitToolUsage?: boolean;
  /** Answer with an OpenAI error instead. */
  status?: number;
  errorMessage?: string;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Never answer. */
  hang?: boolean;
  /** Put a reasoning item first (the default when the request asks for reasoning). */
  reasoning?: boolean;
  /**
   * Stop as the real API does when the budget runs out: `status: "incomplete"` with this reason;
   * with max_output_tokens the reasoning used the budget up, so there is no message.
   */
  incomplete?: 'max_output_tokens' | 'content_filter';
}

export type ResponsesRequestBody = ResponseCreateParamsNonStreaming;

/** Every top-level field of the SDK's request type (and only those: the list must compile against it). */
const REQUEST_FIELDS: Readonly<Record<keyof Required<ResponsesRequestBody>, true>> = {
  access_programs: true, background: true, context_management: true, conversation: true, image: true, include: true,
  input: true, instructions: true, max_output_tokens: true, max_tool_calls: true, metadata: true, model: true,
  moderation: true, parallel_tool_calls: true, previous_response_id: true, prompt: true, prompt_cache_key: true,
  prompt_cache_options: true, prompt_cache_retention: true, reasoning: true, safety_identifier: true, service_tier: true,
  store: true, stream: true, stream_options: true, temperature: true, text: true, tool_choice: true, tools: true,
  top_logprobs: true, top_p: true, truncation: true, user: true,
};

export class ResponsesFake {
  /** Parsed bodies of every POST /v1/responses, in order. */
  readonly bodies: ResponsesRequestBody[] = [];
  /** Ids of the responses sent. */
  readonly responseIds: string[] = [];
  private readonly queue: ResponsesScenario[] = [];
  private readonly hanging = new Set<ServerResponse>();

  constructor(private readonly defaults: ResponsesScenario = {}) {}

  /** The next calls use these scenarios, in order; then the defaults again. */
  next(...scenarios: ResponsesScenario[]): void {
    this.queue.push(...scenarios);
  }

  release(): void {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }

  async handle(request: RecordedRequest, res: ServerResponse): Promise<void> {
    let body: ResponsesRequestBody;
    try {
      body = JSON.parse(request.body.toString('utf8')) as ResponsesRequestBody;
    } catch {
      return sendError(res, 400, 'We could not parse the JSON body of your request.', null);
    }
    this.bodies.push(body);
    // The real API refuses a field it does not know; so does the fake (a typo fails a test).
    const unknown = Object.keys(body).find((field) => !Object.hasOwn(REQUEST_FIELDS, field));
    if (unknown) return sendError(res, 400, `Unknown parameter: '${unknown}'.`, 'unknown_parameter', 'invalid_request_error', unknown);
    const scenario = { ...this.defaults, ...this.queue.shift() };
    if (scenario.hang) {
      this.hanging.add(res);
      return;
    }
    if (scenario.delayMs) await new Promise((resolve) => setTimeout(resolve, scenario.delayMs));
    if (scenario.status) {
      return sendError(res, scenario.status, scenario.errorMessage ?? 'The server had an error while processing your request.', null, scenario.status >= 500 ? 'server_error' : 'invalid_request_error');
    }
    if (typeof body.model !== 'string' || typeof body.input !== 'string') return sendError(res, 400, "Missing required parameter: 'model'.", 'missing_required_parameter', 'invalid_request_error', 'model');
    if (!body.tools?.some((tool) => tool.type === 'web_search')) return sendError(res, 400, 'This fake only answers web_search requests.', null);
    const effort = body.reasoning?.effort;
    if (effort !== undefined && effort !== null && !['none', 'minimal', 'low', 'medium', 'high', 'xhigh'].includes(effort)) {
      return sendError(res, 400, `Invalid value: '${String(effort)}'.`, 'invalid_value', 'invalid_request_error', 'reasoning.effort');
    }
    sendJson(res, 200, this.response(body as ResponsesRequestBody & { input: string }, scenario));
  }

  private response(body: ResponsesRequestBody & { input: string }, scenario: ResponsesScenario): WireResponse {
    const id = `resp_${randomBytes(24).toString('hex')}`;
    this.responseIds.push(id);
    const sources = scenario.sources ?? [
      { url: 'https://www.reuters.com/markets/', title: 'Markets news | Reuters' },
      { url: 'https://apnews.com/hub/business', title: 'Business News | AP News' },
    ];
    const text = scenario.answer ?? `Here is what I found about ${body.input}: the latest reports agree on it ([reuters.com](${sources[0]?.url ?? ''})).`;
    const searches = scenario.searches ?? 1;
    const output: ResponseOutputItem[] = [];
    if (scenario.reasoning ?? Boolean(body.reasoning)) {
      output.push({ id: `rs_${randomBytes(24).toString('hex')}`, type: 'reasoning', summary: [] });
    }
    for (let index = 0; index < searches; index++) {
      output.push({
        id: `ws_${randomBytes(24).toString('hex')}`,
        type: 'web_search_call',
        status: 'completed',
        action: { type: 'search', query: body.input, queries: [body.input], sources: sources.map((source) => ({ type: 'url', url: source.url })) },
      });
    }
    output.push({
      id: `ws_${randomBytes(24).toString('hex')}`,
      type: 'web_search_call',
      status: 'completed',
      action: { type: 'open_page', url: sources[0]?.url ?? null },
    });
    const cutOff = scenario.incomplete === 'max_output_tokens';
    if (!cutOff) output.push({
      id: `msg_${randomBytes(24).toString('hex')}`,
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [
        {
          type: 'output_text',
          text,
          logprobs: [],
          annotations: text
            ? sources.map((source, index) => ({ type: 'url_citation', start_index: index, end_index: Math.min(text.length, index + 10), title: source.title, url: source.url }))
            : [],
        },
      ],
    });
    const inputTokens = 8_000 + body.input.length * 3;
    const outputTokens = cutOff ? (body.max_output_tokens ?? 4_096) : 48 + Math.ceil(text.length / 4);
    return {
      id,
      object: 'response',
      created_at: Math.floor(Date.now() / 1000),
      status: scenario.incomplete ? 'incomplete' : 'completed',
      background: false,
      error: null,
      incomplete_details: scenario.incomplete ? { reason: scenario.incomplete } : null,
      access_programs: null,
      instructions: body.instructions ?? null,
      max_output_tokens: body.max_output_tokens ?? null,
      model: `${body.model}-2026-03-17`,
      output,
      parallel_tool_calls: true,
      previous_response_id: null,
      reasoning: { effort: body.reasoning?.effort ?? 'medium', summary: null },
      temperature: 1.0,
      text: { format: { type: 'text' }, verbosity: 'medium' },
      tool_choice: body.tool_choice ?? 'auto',
      tools: body.tools ?? [],
      top_p: 1.0,
      truncation: 'disabled',
      usage: {
        input_tokens: inputTokens,
        input_tokens_details: { cached_tokens: 1_024, cache_write_tokens: 0 },
        output_tokens: outputTokens,
        output_tokens_details: { reasoning_tokens: cutOff ? outputTokens : 32 },
        total_tokens: inputTokens + outputTokens,
      },
      ...(scenario.omitToolUsage
        ? {}
        : {
            tool_usage: {
              image_gen: { input_tokens: 0, input_tokens_details: { image_tokens: 0, text_tokens: 0 }, output_tokens: 0, total_tokens: 0 },
              web_search: { num_requests: searches },
            },
          }),
      metadata: {},
    };
  }
}

/** Serve POST /v1/responses on `fake`; returns the controller tests use. */
export function installResponses(fake: FakeOpenAI, defaults: ResponsesScenario = {}): ResponsesFake {
  const responses = new ResponsesFake(defaults);
  fake.route('POST', '/v1/responses', (request, res) => responses.handle(request, res));
  return responses;
}
