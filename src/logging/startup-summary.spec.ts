import { StartupFacts, startupSummary, startupWarnings } from './startup-summary';

const FACTS: StartupFacts = {
  version: '1.2.3',
  url: 'http://localhost:8000 (all interfaces)',
  openaiKey: true,
  webSearchModel: 'gpt-5.4-mini',
  weatherApiKey: true,
  cost: { enabled: true, maxSessionCostUsd: 5, maxSessionDurationMs: 30 * 60_000, maxHourlyCostUsd: 50, breakerThresholdUsd: 100 },
  rateLimits: { enabled: true, status: '60/minute', mainPage: '30/minute', websocket: '5/minute', weatherApi: '10/hour', webSearch: '5/hour' },
  metrics: { enabled: true, token: true },
  auth: { required: false, algorithm: 'HS256' },
  tools: ['get_current_weather', 'web_search', 'something_new'],
};

describe('start-up summary', () => {
  it('names where it listens, the storage, the limits, each tool with its provider, and that nothing is missing', () => {
    expect(startupSummary(FACTS)).toEqual([
      'DUCK-E 1.2.3 listening on http://localhost:8000 (all interfaces)',
      '  storage:        memory (limits and spend reset on restart)',
      '  cost limits:    $5.00 and 30 min per conversation, $50.00 an hour, breaker at $100.00',
      '  rate limits:    status 60/minute, page 30/minute, connect 5/minute, weather 10/hour, web search 5/hour',
      '  tools:          get_current_weather (weatherapi.com), web_search (OpenAI gpt-5.4-mini), something_new',
      '  authentication: off; metrics: /metrics (bearer token)',
      '  not configured: nothing',
    ]);
    expect(startupWarnings(FACTS)).toEqual([]);
  });

  it('says what is missing, and warns about the key conversations need', () => {
    const bare = { ...FACTS, openaiKey: false, weatherApiKey: false, metrics: { enabled: true, token: false }, redisHost: 'redis:6379' };
    const lines = startupSummary(bare);
    expect(lines).toContain('  storage:        Redis at redis:6379, shared by every instance');
    expect(lines.at(-1)).toMatch(/^ {2}not configured: OPENAI_API_KEY \(conversations are refused\); WEATHER_API_KEY \(optional.*; METRICS_TOKEN \(optional/);
    expect(lines.find((line) => line.includes('tools:'))).toContain('get_current_weather (Open-Meteo)');
    expect(startupWarnings(bare)).toEqual([expect.stringMatching(/^OPENAI_API_KEY is not set: conversations will be refused \(not_configured\)/)]);
  });

  it('says plainly when limits are off', () => {
    const lines = startupSummary({ ...FACTS, cost: { ...FACTS.cost, enabled: false }, rateLimits: { ...FACTS.rateLimits, enabled: false } });
    expect(lines).toContain('  rate limits:    off');
    expect(lines.find((line) => line.includes('cost limits:'))).toMatch(/NOT ENFORCED/);
  });
});
