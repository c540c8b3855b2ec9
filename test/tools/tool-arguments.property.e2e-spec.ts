// Fuzzed tool arguments. 10,000 fast-check runs per tool, fixed
// seed, through the real registry, DTOs, services, sources and clients down to the one outbound
// HTTP layer (UpstreamHttp, for the weather APIs) and the OpenAI client (for web search), which
// are replaced by spies that record what would leave the process and answer with real shapes.
import { Logger } from '@nestjs/common';
import type { DiscoveryService } from '@nestjs/core';
import * as fc from 'fast-check';
import type { Response } from 'openai/resources/responses/responses';
import { SystemClock } from '../../src/common/clock';
import type { ToolOutcomeKind } from '../../src/common/session-ports';
import type { weatherConfig } from '../../src/config/weather.config';
import { MemoryStore } from '../../src/storage/memory.store';
import { UpstreamHttp, UpstreamResponse } from '../../src/tools/http/upstream-http';
import type { Upstream } from '../../src/tools/tool-metrics';
import { ToolRegistry } from '../../src/tools/tool-registry.service';
import { placeNameProblem, searchQueryProblem } from '../../src/tools/validation/text-rules';
import { CurrentWeatherTool } from '../../src/tools/weather/current-weather.tool';
import { OpenMeteoClient } from '../../src/tools/weather/open-meteo.client';
import { OpenMeteoSource } from '../../src/tools/weather/open-meteo.source';
import { WeatherForecastTool } from '../../src/tools/weather/weather-forecast.tool';
import type { WeatherSource } from '../../src/tools/weather/weather-report';
import { WeatherService } from '../../src/tools/weather/weather.service';
import { WeatherApiClient } from '../../src/tools/weather/weatherapi.client';
import { WeatherApiSource } from '../../src/tools/weather/weatherapi.source';
import type { OpenAIResponsesClient } from '../../src/tools/web-search/openai-responses.client';
import { WebSearchService } from '../../src/tools/web-search/web-search.service';
import { WebSearchTool } from '../../src/tools/web-search/web-search.tool';
import { CountingLimiter, toolContext, toolMetrics } from './tool-kit';

const RUNS = 10_000;
const SEED = 20_260_501;
const OUTCOMES: ToolOutcomeKind[] = ['ok', 'invalid_arguments', 'rate_limited', 'not_found', 'ambiguous', 'upstream_error', 'unknown_tool'];

const CONFIG: ConfigType = {
  weatherApiKey: 'weatherapi-test-key',
  openMeteoGeocodingUrl: 'https://geocoding-api.open-meteo.com/v1',
  openMeteoForecastUrl: 'https://api.open-meteo.com/v1',
  weatherApiBaseUrl: 'https://api.weatherapi.com/v1',
  openMeteoApiKey: undefined,
  weatherApiMaxForecastDays: 3,
};
type ConfigType = ReturnType<typeof weatherConfig>;

interface Outbound {
  upstream: Upstream;
  url: URL;
}

/** The outbound HTTP layer, replaced by a spy answering with the real APIs' shapes. */
class SpyHttp extends UpstreamHttp {
  readonly sent: Outbound[] = [];

  override async getJson(upstream: Upstream, url: URL): Promise<UpstreamResponse> {
    this.sent.push({ upstream, url });
    const days = Number(url.searchParams.get('forecast_days') ?? url.searchParams.get('days') ?? 1);
    const dates = Array.from({ length: days }, (_, i) => `2026-05-0${i + 1}`);
    switch (`${url.host}${url.pathname}`) {
      case 'geocoding-api.open-meteo.com/v1/search': {
        const name = url.searchParams.get('name') ?? '';
        if (name.length % 5 === 0) return { status: 200, body: { generationtime_ms: 0.5 } };
        return { status: 200, body: { results: [{ id: 1, name, latitude: 48.85, longitude: 2.35, country_code: name.length % 2 ? 'US' : 'FR', country: 'Somewhere', admin1: 'Region', population: 1000, timezone: 'Europe/Paris' }], generationtime_ms: 0.8 } };
      }
      case 'api.open-meteo.com/v1/forecast':
        return {
          status: 200,
          body: {
            latitude: 48.86,
            longitude: 2.35,
            timezone: 'Europe/Paris',
            current: { time: '2026-05-01T14:15', interval: 900, temperature_2m: 17.3, relative_humidity_2m: 62, apparent_temperature: 16.1, is_day: 1, precipitation: 0, weather_code: 2, wind_speed_10m: 11.2, wind_direction_10m: 225, wind_gusts_10m: 24.5 },
            daily: { time: dates, weather_code: dates.map(() => 3), temperature_2m_max: dates.map(() => 20.1), temperature_2m_min: dates.map(() => 11.4), precipitation_sum: dates.map(() => 0.2), precipitation_probability_max: dates.map(() => 15), wind_speed_10m_max: dates.map(() => 18) },
          },
        };
      case 'api.weatherapi.com/v1/current.json':
      case 'api.weatherapi.com/v1/forecast.json': {
        const q = url.searchParams.get('q') ?? '';
        if (q.length % 7 === 0) return { status: 400, body: { error: { code: 1006, message: 'No matching location found.' } } };
        const condition = { text: 'Partly cloudy', icon: '//cdn.weatherapi.com/weather/64x64/day/116.png', code: 1003 };
        return {
          status: 200,
          body: {
            location: { name: q.split(',')[0], region: 'Region', country: q.length % 2 ? 'United States of America' : 'France', lat: 48.85, lon: 2.35, tz_id: 'Europe/Paris', localtime: '2026-05-01 14:20' },
            current: { last_updated: '2026-05-01 14:15', temp_c: 17.3, temp_f: 63.1, is_day: 1, condition, wind_mph: 7, wind_kph: 11.2, wind_dir: 'SW', precip_mm: 0, precip_in: 0, humidity: 62, feelslike_c: 16.1, feelslike_f: 61, gust_mph: 15.2, gust_kph: 24.5 },
            forecast: { forecastday: dates.map((date) => ({ date, day: { maxtemp_c: 20.1, maxtemp_f: 68.2, mintemp_c: 11.4, mintemp_f: 52.5, maxwind_mph: 11.2, maxwind_kph: 18, totalprecip_mm: 0.2, totalprecip_in: 0.01, daily_chance_of_rain: 15, daily_chance_of_snow: 0, condition } })) },
          },
        };
      }
      default:
        throw new Error(`unexpected outbound request to ${url.host}${url.pathname}`);
    }
  }
}

/** The OpenAI client, replaced by a spy answering with the Responses API's shape. */
class SpyOpenAI {
  readonly configured = true;
  readonly model = 'gpt-5.4-mini';
  readonly queries: string[] = [];
  async webSearch(query: string): Promise<Response> {
    this.queries.push(query);
    return {
      id: `resp_${this.queries.length}`,
      output: [
        { type: 'web_search_call', id: 'ws', status: 'completed', action: { type: 'search', query } },
        { type: 'message', id: 'm', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: `About ${query.slice(0, 20)}.`, annotations: [] }] },
      ],
      usage: { input_tokens: 8_000, input_tokens_details: { cached_tokens: 0 }, output_tokens: 30, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 8_030 },
    } as unknown as Response;
  }
}

// ---- what gets thrown at the tools ------------------------------------------------------------

const realPlaces = fc.constantFrom("L'Aquila", 'São Paulo', 'Union City, NJ', 'Saint-Étienne', "Xi'an", '東京', "O'Hare", 'Paris, Texas', 'Nuku’alofa');
const hostileText = fc.constantFrom(
  'https://evil.example/',
  '<script>alert(1)</script>',
  'Paris\r\nHost: evil.example',
  '../../etc/passwd',
  '127.0.0.1',
  'Paris%00',
  '${jndi:ldap://x/a}',
  "'; DROP TABLE users; --",
  '\u202Eevil',
  'javascript:alert(1)',
  '',
  '   ',
  'a'.repeat(10_000),
  '東'.repeat(101),
  'price of AT&T stock',
  'what is $5 in euros',
);
/** Mostly valid place-like text in many scripts, sometimes too long or with stray symbols. */
const placeLike = fc
  .array(fc.constantFrom(...'abcdefgXYZéßøçãÉŁ東京서울القاهرة', ' ', ' ', "'", '’', '-', ',', '.', '(', ')', '/', '&', '<', ':', '\n'), { minLength: 1, maxLength: 104 })
  .map((chars) => chars.join(''));
const text = fc.oneof(
  { weight: 3, arbitrary: placeLike },
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 120 }),
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.string({ minLength: 95, maxLength: 310 }),
  { weight: 2, arbitrary: realPlaces },
  hostileText,
);
const anyValue = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e308), fc.array(fc.anything(), { maxLength: 3 }), fc.object({ maxDepth: 2 }));
const days = fc.oneof(fc.integer({ min: -2, max: 10 }), fc.double(), fc.string({ maxLength: 3 }), fc.constantFrom(NaN, Infinity, null, '3', 3.5, 1e308, true));
const keys = fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'location', 'days', 'query', 'toString'));

function argumentsOf(field: 'location' | 'query'): fc.Arbitrary<string> {
  const values = fc.oneof(
    { weight: 4, arbitrary: fc.record({ [field]: fc.oneof({ weight: 3, arbitrary: text }, anyValue), days }, { requiredKeys: [] }) },
    { weight: 1, arbitrary: fc.dictionary(keys, anyValue, { maxKeys: 4 }) },
    { weight: 1, arbitrary: anyValue },
  );
  const json = values.map((value) => {
    try {
      return JSON.stringify(value) ?? 'undefined';
    } catch {
      return String(value);
    }
  });
  const raw = fc.oneof(fc.string(), fc.constantFrom('', '{', '{"__proto__":{"location":"Paris"},"location":5}', `{"${field}":"Paris","${field}":"<b>"}`, '{"location":"Paris","days":"3"}'));
  return fc.oneof({ weight: 5, arbitrary: json }, { weight: 1, arbitrary: raw });
}

// ---- the independent oracle: what the schema says about an argumentsJson --------------------

function oracle(json: string, tool: 'current' | 'forecast' | 'search'): boolean {
  let raw: unknown;
  try {
    raw = json.trim() === '' ? {} : JSON.parse(json);
  } catch {
    return false;
  }
  if (json.length > 16_384 || typeof raw !== 'object' || raw === null || Array.isArray(raw)) return false;
  const args = raw as Record<string, unknown>;
  const field = tool === 'search' ? 'query' : 'location';
  const value = Object.hasOwn(args, field) ? args[field] : undefined;
  if (typeof value !== 'string') return false;
  const normalized = value.normalize('NFC').trim();
  if ((tool === 'search' ? searchQueryProblem : placeNameProblem)(normalized) !== undefined) return false;
  if (tool === 'forecast' && Object.hasOwn(args, 'days') && args.days !== null) {
    const n = args.days;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 7) return false;
  }
  return true;
}

describe('fuzzed tool arguments (fast-check, 10,000 runs per tool, fixed seed)', () => {
  const metrics = toolMetrics();
  const store = new MemoryStore(new SystemClock());
  const limiter = new CountingLimiter();
  const http = new SpyHttp(metrics.upstreamErrors);
  const openai = new SpyOpenAI();
  const context = toolContext();
  let unhandled = 0;
  const onUnhandled = () => unhandled++;

  function registryWith(source: WeatherSource): ToolRegistry {
    const registry = new ToolRegistry({ getProviders: () => [] } as unknown as DiscoveryService, limiter, metrics.calls, metrics.duration);
    const weather = new WeatherService(source, store);
    registry.register(new CurrentWeatherTool(weather));
    registry.register(new WeatherForecastTool(weather));
    registry.register(new WebSearchTool(new WebSearchService(openai as unknown as OpenAIResponsesClient, metrics.upstreamErrors)));
    return registry;
  }
  const openMeteo = registryWith(new OpenMeteoSource(new OpenMeteoClient(CONFIG, http)));
  const weatherApi = registryWith(new WeatherApiSource(new WeatherApiClient(CONFIG, http), CONFIG));

  beforeAll(() => {
    Logger.overrideLogger(false);
    process.on('unhandledRejection', onUnhandled);
  });
  afterAll(() => {
    process.off('unhandledRejection', onUnhandled);
    store.stop();
    Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']);
  });

  /** Every outbound request: a configured host and path, and only schema-valid user values. */
  function checkOutbound(sent: Outbound[]): void {
    for (const { upstream, url } of sent) {
      const where = `${url.protocol}//${url.host}${url.pathname}`;
      if (upstream === 'open_meteo') {
        if (where === 'https://geocoding-api.open-meteo.com/v1/search') {
          expect(placeNameProblem(url.searchParams.get('name'))).toBeUndefined();
          expect(url.searchParams.get('count')).toBe('20');
        } else {
          expect(where).toBe('https://api.open-meteo.com/v1/forecast');
          const forecastDays = Number(url.searchParams.get('forecast_days'));
          expect(Number.isInteger(forecastDays) && forecastDays >= 1 && forecastDays <= 7).toBe(true);
          expect(Number.isFinite(Number(url.searchParams.get('latitude')))).toBe(true);
        }
      } else {
        expect(['https://api.weatherapi.com/v1/current.json', 'https://api.weatherapi.com/v1/forecast.json']).toContain(where);
        expect(placeNameProblem(url.searchParams.get('q'))).toBeUndefined();
        if (url.pathname.endsWith('forecast.json')) {
          const forecastDays = Number(url.searchParams.get('days'));
          expect(Number.isInteger(forecastDays) && forecastDays >= 1 && forecastDays <= 7).toBe(true);
        }
      }
    }
  }

  async function checkRun(registry: ToolRegistry, name: string, json: string, kind: 'current' | 'forecast' | 'search'): Promise<void> {
    const sentBefore = http.sent.length;
    const queriesBefore = openai.queries.length;
    const outcome = await registry.run(name, json, context);
    expect(OUTCOMES).toContain(outcome.outcome);
    expect(outcome.ok).toBe(outcome.outcome === 'ok');
    const output = JSON.parse(outcome.output) as Record<string, unknown>;
    expect(typeof output).toBe('object');
    if (outcome.outcome !== 'ok') expect(typeof output.message).toBe('string');

    const valid = oracle(json, kind);
    expect(outcome.outcome === 'invalid_arguments').toBe(!valid);
    const sent = http.sent.slice(sentBefore);
    const queries = openai.queries.slice(queriesBefore);
    if (!valid) {
      expect(sent).toHaveLength(0);
      expect(queries).toHaveLength(0);
    }
    checkOutbound(sent);
    for (const query of queries) expect(searchQueryProblem(query)).toBeUndefined();
  }

  it('get_current_weather: never crashes, a result or a validation error, only valid values go out', async () => {
    await fc.assert(
      fc.asyncProperty(argumentsOf('location'), fc.boolean(), (json, useWeatherApi) => checkRun(useWeatherApi ? weatherApi : openMeteo, 'get_current_weather', json, 'current')),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('get_weather_forecast: never crashes, a result or a validation error, only valid values go out', async () => {
    await fc.assert(
      fc.asyncProperty(argumentsOf('location'), fc.boolean(), (json, useWeatherApi) => checkRun(useWeatherApi ? weatherApi : openMeteo, 'get_weather_forecast', json, 'forecast')),
      { numRuns: RUNS, seed: SEED + 1 },
    );
  });

  it('web_search: never crashes, a result or a validation error, only valid queries go out', async () => {
    await fc.assert(
      fc.asyncProperty(argumentsOf('query'), (json) => checkRun(openMeteo, 'web_search', json, 'search')),
      { numRuns: RUNS, seed: SEED + 2 },
    );
  });

  it('exercised every path: valid and invalid arguments, requests made, no unhandled rejection', async () => {
    const outcomes = new Set((await metrics.calls.get()).values.map((value) => value.labels.outcome));
    for (const outcome of ['ok', 'invalid_arguments', 'not_found']) expect(outcomes.has(outcome)).toBe(true);
    expect(http.sent.length).toBeGreaterThan(1_000);
    expect(openai.queries.length).toBeGreaterThan(500);
    expect(unhandled).toBe(0);
  });
});
