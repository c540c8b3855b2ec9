// web_search in the real app: the Responses API with the web_search tool, through the openai SDK,
// against the FakeOpenAI (HTTPS on loopback) with the Responses handler. The spend report goes
// through context.reportBackendUsage, as the realtime module wires it to the cost module.
import { APIConnectionError } from 'openai';
import type { ToolCatalog } from '../../src/common/session-ports';
import { openaiConfig } from '../../src/config/openai.config';
import { OpenAIResponsesClient, WEB_SEARCH_OUTPUT_TOKENS } from '../../src/tools/web-search/openai-responses.client';
import { FakeOpenAI } from '../fakes/openai/fake-openai.server';
import { installResponses, ResponsesFake } from '../fakes/openai/responses.handler';
import { startTestApp, TestApp } from '../support/test-app';
import { toolContext } from './tool-kit';
import { call, catalogOf, metricValue } from './tools-e2e-kit';

let nextIp = 1;
const caller = () => toolContext(`203.0.113.${nextIp++}`);

describe('web_search (real app, fake OpenAI Responses API on loopback)', () => {
  let openai: FakeOpenAI;
  let responses: ResponsesFake;
  let app: TestApp;
  let catalog: ToolCatalog;

  beforeAll(async () => {
    openai = await FakeOpenAI.start();
    responses = installResponses(openai);
    app = await startTestApp({
      OPENAI_BASE_URL: openai.baseUrl,
      OPENAI_API_KEY: openai.apiKey,
      WEB_SEARCH_MODEL: 'gpt-5.4-nano',
      // Not in the built-in price book: the service only starts with its prices given.
      COST_PRICE_OVERRIDES: '{"gpt-5.4-nano":{"textIn":0.2,"textCachedIn":0.02,"textOut":1.25}}',
      REDIS_URL: undefined,
      RATE_LIMIT_WEB_SEARCH: '1000/hour',
    });
    catalog = catalogOf(app);
  });
  afterAll(async () => {
    await app.close();
    await openai.stop();
  });

  it('searches for real: one Responses call with the web_search tool, a short answer with its sources', async () => {
    const context = caller();
    const result = await call(catalog, 'web_search', { query: 'price of AT&T stock' }, context);
    expect(result).toMatchObject({ ok: true, outcome: 'ok' });
    expect(result.body).toEqual({
      answer: 'Here is what I found about price of AT&T stock: the latest reports agree on it.',
      sources: [
        { title: 'Markets news | Reuters', url: 'https://www.reuters.com/markets/' },
        { title: 'Business News | AP News', url: 'https://apnews.com/hub/business' },
      ],
    });
    const body = responses.bodies.at(-1)!;
    expect(body).toMatchObject({
      model: 'gpt-5.4-nano',
      input: 'price of AT&T stock',
      tools: [{ type: 'web_search', search_context_size: 'low' }],
      include: ['web_search_call.action.sources'],
      store: false,
      // Little thinking, and room for it and the answer within the output budget.
      reasoning: { effort: 'low' },
      max_output_tokens: WEB_SEARCH_OUTPUT_TOKENS.first,
    });
    const [request] = openai.requestsTo('/v1/responses').slice(-1);
    expect(request.headers.authorization).toBe(`Bearer ${openai.apiKey}`);
  });

  it('reports tokens and billable searches with the response id through context.reportBackendUsage', async () => {
    const context = caller();
    await call(catalog, 'web_search', { query: 'what is $5 in euros' }, context);
    expect(context.reported).toEqual([
      {
        id: responses.responseIds.at(-1),
        model: 'gpt-5.4-nano',
        inputTokens: 8_000 + 'what is $5 in euros'.length * 3,
        cachedInputTokens: 1_024,
        outputTokens: expect.any(Number),
        webSearchCalls: 1,
      },
    ]);
  });

  it('counts search actions when tool_usage is missing (open_page is not billed)', async () => {
    responses.next({ searches: 2, omitToolUsage: true });
    const context = caller();
    await call(catalog, 'web_search', { query: 'rock & roll hall of fame inductees' }, context);
    expect(context.reported[0].webSearchCalls).toBe(2);
  });

  it('nothing found: says so, and still reports the spend', async () => {
    responses.next({ answer: '' });
    const context = caller();
    const result = await call(catalog, 'web_search', { query: 'zzqxv flurble' }, context);
    expect(result).toMatchObject({ ok: false, outcome: 'not_found', body: { error: 'not_found' } });
    expect(context.reported).toHaveLength(1);
  });

  it('an answer cut off at the output budget (incomplete, reasoning only) is asked once more with more room', async () => {
    const before = responses.bodies.length;
    responses.next({ incomplete: 'max_output_tokens', reasoning: true });
    const context = caller();
    const result = await call(catalog, 'web_search', { query: 'who won the duck race' }, context);
    expect(result).toMatchObject({ ok: true, outcome: 'ok', body: { answer: expect.stringContaining('who won the duck race') } });
    expect(responses.bodies.slice(before).map((body) => body.max_output_tokens)).toEqual([WEB_SEARCH_OUTPUT_TOKENS.first, WEB_SEARCH_OUTPUT_TOKENS.retry]);
    // Both attempts were paid for: both are metered.
    expect(context.reported).toHaveLength(2);
    expect(context.reported[0].outputTokens).toBe(WEB_SEARCH_OUTPUT_TOKENS.first);
  });

  it('cut off twice: "the search failed", which is not "found nothing"', async () => {
    responses.next({ incomplete: 'max_output_tokens' }, { incomplete: 'max_output_tokens' });
    const context = caller();
    const result = await call(catalog, 'web_search', { query: 'who won the duck race' }, context);
    expect(result).toMatchObject({ ok: false, outcome: 'upstream_error', body: { error: 'upstream_error', message: expect.stringContaining('The web search failed') } });
    expect(context.reported).toHaveLength(2);
  });

  it('the fake Responses API refuses a field the real one does not know (so a typo in our request would fail here)', async () => {
    const response = await fetch(`${openai.baseUrl}/responses`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${openai.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5.4-nano', input: 'q', tools: [{ type: 'web_search' }], max_output_token: 100 }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { message: "Unknown parameter: 'max_output_token'.", type: 'invalid_request_error', param: 'max_output_token', code: 'unknown_parameter' } });
  });

  it('a 500 is retried once by the SDK and answered', async () => {
    const before = responses.bodies.length;
    responses.next({ status: 500 });
    const result = await call(catalog, 'web_search', { query: 'latest news' }, caller());
    expect(result.outcome).toBe('ok');
    expect(responses.bodies.length - before).toBe(2);
  });

  it('failing twice: a spoken error, no report, an upstream error counted — and the session goes on', async () => {
    const errorsBefore = await metricValue('ducke_upstream_errors_total', { upstream: 'openai_responses' });
    const before = responses.bodies.length;
    responses.next({ status: 503 }, { status: 503 });
    const context = caller();
    const result = await call(catalog, 'web_search', { query: 'latest news' }, context);
    expect(result).toMatchObject({ ok: false, outcome: 'upstream_error', body: { error: 'upstream_error', message: expect.stringContaining('not answering') } });
    expect(responses.bodies.length - before).toBe(2);
    expect(context.reported).toHaveLength(0);
    expect(await metricValue('ducke_upstream_errors_total', { upstream: 'openai_responses' })).toBe(errorsBefore + 1);
    expect((await call(catalog, 'web_search', { query: 'latest news' }, caller())).outcome).toBe('ok');
  });

  it('stops the search when the session ends (context.signal)', async () => {
    responses.next({ hang: true });
    const context = caller();
    const pending = call(catalog, 'web_search', { query: 'slow question' }, context);
    setTimeout(() => context.abort(), 100);
    const started = Date.now();
    expect((await pending).outcome).toBe('upstream_error');
    expect(Date.now() - started).toBeLessThan(2_500);
    responses.release();
  });

  it('invalid queries: a short error, no request', async () => {
    const before = responses.bodies.length;
    for (const args of [{ query: '' }, { query: 'x'.repeat(301) }, { query: 'a\u0000b' }, { query: 42 }, {}]) {
      expect((await call(catalog, 'web_search', args, caller())).outcome).toBe('invalid_arguments');
    }
    expect(responses.bodies.length).toBe(before);
  });
});

describe('web_search limits and timeout', () => {
  let openai: FakeOpenAI;
  let responses: ResponsesFake;
  let app: TestApp;

  beforeAll(async () => {
    openai = await FakeOpenAI.start();
    responses = installResponses(openai);
    app = await startTestApp({ OPENAI_BASE_URL: openai.baseUrl, OPENAI_API_KEY: openai.apiKey, REDIS_URL: undefined, RATE_LIMIT_WEB_SEARCH: '2/hour' });
  });
  afterAll(async () => {
    await app.close();
    await openai.stop();
  });

  it('over RATE_LIMIT_WEB_SEARCH: refused in words, no request; another client is not affected', async () => {
    const catalog = catalogOf(app);
    const context = toolContext('203.0.113.200');
    expect((await call(catalog, 'web_search', { query: 'one' }, context)).outcome).toBe('ok');
    expect((await call(catalog, 'web_search', { query: 'two' }, context)).outcome).toBe('ok');
    const before = responses.bodies.length;
    const refused = await call(catalog, 'web_search', { query: 'three' }, context);
    expect(refused).toMatchObject({ ok: false, outcome: 'rate_limited' });
    expect(refused.body.message).toMatch(/^I've hit my web search limit, try again in (\d+ minutes|1 hour)\.$/);
    expect(responses.bodies.length).toBe(before);
    expect((await call(catalog, 'web_search', { query: 'three' }, toolContext('203.0.113.201'))).outcome).toBe('ok');
  });

  it('the client gives up after its timeout (one attempt here), without minutes of retries', async () => {
    const config = { ...app.app.get<ReturnType<typeof openaiConfig>>(openaiConfig.KEY) };
    const client = new OpenAIResponsesClient(config, { timeoutMs: 500, maxRetries: 0 });
    responses.next({ hang: true });
    const started = Date.now();
    await expect(client.webSearch('slow question')).rejects.toBeInstanceOf(APIConnectionError);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(3_000);
    responses.release();
  });
});
