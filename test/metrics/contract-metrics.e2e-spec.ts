// The metric names of docs/monitoring.md, as a scraper sees them over
// HTTP from the real app: each one is listed with its type and labels, and moves with what it
// counts. Every module registers its own metrics; this suite checks they all reach /metrics.
import { SESSION_COST, type SessionCost } from '../../src/common/session-ports';
import { startTestApp, type TestApp } from '../support/test-app';
import { Family, scrape, valueOf } from './exposition';

type Expected = Record<string, { type: Family['type']; labels: string[] }>;

const COST: Expected = {
  ducke_cost_total_usd: { type: 'counter', labels: ['model'] },
  ducke_tokens_total: { type: 'counter', labels: ['model', 'kind'] },
  ducke_circuit_breaker_activations_total: { type: 'counter', labels: [] },
  ducke_budget_exceeded_total: { type: 'counter', labels: ['reason'] },
  ducke_hourly_spend_usd: { type: 'gauge', labels: [] },
  ducke_circuit_breaker_open: { type: 'gauge', labels: [] },
  ducke_cost_reserved_usd: { type: 'gauge', labels: [] },
  ducke_hourly_cap_usd: { type: 'gauge', labels: [] },
  ducke_circuit_breaker_threshold_usd: { type: 'gauge', labels: [] },
};

const RATE_LIMIT: Expected = {
  rate_limit_exceeded_total: { type: 'counter', labels: ['route'] },
  ducke_rate_limit_fallback_active: { type: 'gauge', labels: [] },
  ducke_rate_limit_store_errors_total: { type: 'counter', labels: [] },
};

const TOOLS: Expected = {
  ducke_tool_calls_total: { type: 'counter', labels: ['tool', 'outcome'] },
  ducke_tool_duration_seconds: { type: 'histogram', labels: ['tool', 'outcome'] },
  ducke_upstream_errors_total: { type: 'counter', labels: ['upstream'] },
};

const REALTIME: Expected = {
  ducke_sessions_active: { type: 'gauge', labels: [] },
  ducke_session_duration_seconds: { type: 'histogram', labels: [] },
  ducke_session_starts_total: { type: 'counter', labels: [] },
  ducke_session_refusals_total: { type: 'counter', labels: ['reason'] },
  ducke_sessions_ended_total: { type: 'counter', labels: ['reason'] },
  ducke_ws_connections_open: { type: 'gauge', labels: [] },
  ducke_metering_lost_total: { type: 'counter', labels: [] },
};

const AUTH: Expected = {
  ducke_auth_refused_total: { type: 'counter', labels: ['reason'] },
  ducke_tokens_revoked_total: { type: 'counter', labels: [] },
};

const METRICS: Expected = {
  http_request_duration_seconds: { type: 'histogram', labels: ['route', 'method', 'status'] },
  ducke_storage_up: { type: 'gauge', labels: [] },
};

/** Families with their type, and the label names their written series carry (le aside). */
function listed(families: Map<string, Family>, expected: Expected) {
  return Object.fromEntries(
    Object.keys(expected).map((name) => {
      const family = families.get(name);
      const labels = new Set(family?.samples.flatMap((sample) => Object.keys(sample.labels)).filter((label) => label !== 'le'));
      return [name, { type: family?.type, labels: family?.samples.length ? [...labels].sort() : [...expected[name].labels].sort() }];
    }),
  );
}

const sorted = (expected: Expected) => Object.fromEntries(Object.entries(expected).map(([name, { type, labels }]) => [name, { type, labels: [...labels].sort() }]));

/** A gpt-realtime-2 usage of `tokens` text output tokens ($24 per 1M). */
const textOutput = (tokens: number) => ({
  total_tokens: tokens,
  input_tokens: 0,
  output_tokens: tokens,
  input_token_details: { text_tokens: 0, audio_tokens: 0, cached_tokens: 0 },
  output_token_details: { text_tokens: tokens, audio_tokens: 0 },
});

describe('contract metrics on /metrics', () => {
  let app: TestApp;
  beforeAll(
    async () =>
      (app = await startTestApp({ OPENAI_API_KEY: 'sk-test-duck-e', METRICS_TOKEN: undefined, REDIS_URL: undefined, RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_STATUS: '3/minute', COST_PROTECTION_MAX_TOTAL_COST_PER_HOUR_USD: '12.5', COST_PROTECTION_CIRCUIT_BREAKER_THRESHOLD_USD: '40' })),
  );
  afterAll(() => app.close());

  it("lists the metrics module's own metrics with their types and labels", async () => {
    await fetch(`${app.url}/status`);
    expect(listed(await scrape(app.url), METRICS)).toEqual(sorted(METRICS));
  });

  it("lists the tools, realtime and auth modules' metrics with their types", async () => {
    const families = await scrape(app.url);
    for (const expected of [TOOLS, REALTIME, AUTH]) expect(listed(families, expected)).toEqual(sorted(expected));
  });

  it("lists the rate-limit module's metrics with their types", async () => {
    expect(listed(await scrape(app.url), RATE_LIMIT)).toEqual(sorted(RATE_LIMIT));
  });

  it('counts a 429 on /status in rate_limit_exceeded_total{route="status"} and in the HTTP histogram', async () => {
    const before = await scrape(app.url);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await fetch(`${app.url}/status`)).status);
    const refused = statuses.filter((status) => status === 429).length;
    expect(refused).toBeGreaterThanOrEqual(2);
    const after = await scrape(app.url);
    expect(valueOf(after, 'rate_limit_exceeded_total', { route: 'status' }) - valueOf(before, 'rate_limit_exceeded_total', { route: 'status' })).toBe(refused);
    const http429 = { route: '/status', method: 'GET', status: '429' };
    expect(valueOf(after, 'http_request_duration_seconds_count', http429) - valueOf(before, 'http_request_duration_seconds_count', http429)).toBe(refused);
    // The scrapes themselves were never limited.
    expect(valueOf(after, 'rate_limit_exceeded_total', { route: 'metrics' })).toBe(0);
  });

  it("lists the cost module's metrics with their types", async () => {
    const cost = app.app.get<SessionCost>(SESSION_COST);
    await cost.admit('contract-types', { ip: '198.51.100.7', clientKey: '198.51.100.7' });
    await cost.recordResponseUsage('contract-types', 'gpt-realtime-2', 'resp_types', textOutput(1_000));
    await cost.release('contract-types');
    const families = await scrape(app.url);
    expect(listed(families, COST)).toEqual(sorted(COST));
  });

  it('counts a metered usage in ducke_cost_total_usd and ducke_tokens_total, by model', async () => {
    const cost = app.app.get<SessionCost>(SESSION_COST);
    const before = await scrape(app.url);
    await cost.admit('contract-meter', { ip: '198.51.100.8', clientKey: '198.51.100.8' });
    await cost.recordResponseUsage('contract-meter', 'gpt-realtime-2', 'resp_meter', textOutput(50_000));
    const after = await scrape(app.url);
    await cost.release('contract-meter');
    const delta = (name: string, labels: Record<string, string>) => valueOf(after, name, labels) - valueOf(before, name, labels);
    // 50 000 text output tokens at $24 per 1M tokens.
    expect(delta('ducke_cost_total_usd', { model: 'gpt-realtime-2' })).toBeCloseTo(1.2, 6);
    expect(delta('ducke_tokens_total', { model: 'gpt-realtime-2' })).toBe(50_000);
    expect(valueOf(after, 'ducke_hourly_spend_usd')).toBeGreaterThan(0);
  });

  it('exports the configured hourly cap and breaker threshold, so dashboards and alerts follow the configuration', async () => {
    const families = await scrape(app.url);
    expect(valueOf(families, 'ducke_hourly_cap_usd')).toBe(12.5);
    expect(valueOf(families, 'ducke_circuit_breaker_threshold_usd')).toBe(40);
  });
});
