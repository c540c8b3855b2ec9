import type { Response } from 'openai/resources/responses/responses';
import { backendUsage, MAX_ANSWER_CHARS, shapeAnswer } from './search-answer';

function response(overrides: Partial<Record<keyof Response, unknown>> = {}): Response {
  return {
    id: 'resp_1',
    object: 'response',
    model: 'gpt-5.4-mini-2026-03-17',
    status: 'completed',
    output: [
      { id: 'ws_1', type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'q', sources: [{ type: 'url', url: 'https://example.org/a' }, { type: 'url', url: 'https://example.org/b' }] } },
      { id: 'ws_2', type: 'web_search_call', status: 'completed', action: { type: 'open_page', url: 'https://example.org/a' } },
      {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [
          {
            type: 'output_text',
            text: 'AT&T closed at **$24.10** on Friday ([reuters.com](https://www.reuters.com/x)). See [AP](https://apnews.com/y) too.',
            annotations: [
              { type: 'url_citation', url: 'https://www.reuters.com/x', title: 'AT&T stock | Reuters', start_index: 0, end_index: 5 },
              { type: 'url_citation', url: 'https://www.reuters.com/x', title: 'AT&T stock | Reuters', start_index: 6, end_index: 9 },
              { type: 'url_citation', url: 'javascript:alert(1)', title: 'bad', start_index: 0, end_index: 1 },
              { type: 'url_citation', url: 'https://apnews.com/y', title: '', start_index: 0, end_index: 1 },
            ],
          },
        ],
      },
    ],
    usage: { input_tokens: 8_123, input_tokens_details: { cached_tokens: 1_024 }, output_tokens: 97, output_tokens_details: { reasoning_tokens: 32 }, total_tokens: 8_220 },
    tool_usage: { web_search: { num_requests: 2 } },
    ...overrides,
  } as unknown as Response;
}

describe('shaping a web search answer', () => {
  it('gives plain speakable text and the cited sources, once each, web URLs only', () => {
    expect(shapeAnswer(response())).toEqual({
      answer: 'AT&T closed at $24.10 on Friday. See AP too.',
      sources: [
        { title: 'AT&T stock | Reuters', url: 'https://www.reuters.com/x' },
        { url: 'https://apnews.com/y' },
        { url: 'https://example.org/a' },
        { url: 'https://example.org/b' },
      ],
    });
  });

  it('cuts a long answer at a word', () => {
    const long = response({ output: [{ type: 'message', content: [{ type: 'output_text', text: 'word '.repeat(600), annotations: [] }] }] });
    const { answer } = shapeAnswer(long);
    expect(answer.length).toBeLessThanOrEqual(MAX_ANSWER_CHARS + 1);
    expect(answer.endsWith('word…')).toBe(true);
  });

  it('reports tokens and billable searches from tool_usage', () => {
    expect(backendUsage(response(), 'gpt-5.4-mini')).toEqual({
      id: 'resp_1',
      model: 'gpt-5.4-mini',
      inputTokens: 8_123,
      cachedInputTokens: 1_024,
      outputTokens: 97,
      webSearchCalls: 2,
    });
  });

  it('counts the search actions (not open_page) when tool_usage is missing', () => {
    expect(backendUsage(response({ tool_usage: undefined }), 'm').webSearchCalls).toBe(1);
  });
});
