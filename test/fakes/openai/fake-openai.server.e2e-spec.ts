import { FakeOpenAI, sendJson } from './fake-openai.server';

describe('FakeOpenAI (the local stand-in for api.openai.com)', () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await FakeOpenAI.start();
    fake.route('GET', '/v1/models', (_request, res) => sendJson(res, 200, { object: 'list', data: [] }));
  });
  afterAll(() => fake.stop());

  it('serves TLS that this process trusts through NODE_EXTRA_CA_CERTS', async () => {
    const response = await fetch(`${fake.baseUrl}/models`, { headers: { Authorization: `Bearer ${fake.apiKey}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ object: 'list', data: [] });
  });

  it('refuses a wrong key with OpenAI’s error shape, and records every request', async () => {
    const response = await fetch(`${fake.baseUrl}/models`, { headers: { Authorization: 'Bearer sk-wrong' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key', param: null },
    });
    expect(fake.requestsTo('/v1/models', 'GET')).toHaveLength(2);
  });

  it('answers unknown paths 404', async () => {
    const response = await fetch(`${fake.baseUrl}/nope`, { headers: { Authorization: `Bearer ${fake.apiKey}` } });
    expect(response.status).toBe(404);
  });
});
