import { Logger } from '@nestjs/common';
import type { DiscoveryService } from '@nestjs/core';
import type { Response } from 'openai/resources/responses/responses';
import { SystemClock } from '../../src/common/clock';
import { MemoryStore } from '../../src/storage/memory.store';
import { RedisStore } from '../../src/storage/redis.store';
import type { StateStore } from '../../src/storage/state-store';
import { UpstreamHttp, UpstreamResponse } from '../../src/tools/http/upstream-http';
import { ToolRegistry } from '../../src/tools/tool-registry.service';
import { CurrentWeatherTool } from '../../src/tools/weather/current-weather.tool';
import { OpenMeteoClient } from '../../src/tools/weather/open-meteo.client';
import { OpenMeteoSource } from '../../src/tools/weather/open-meteo.source';
import { WeatherForecastTool } from '../../src/tools/weather/weather-forecast.tool';
import { WeatherService } from '../../src/tools/weather/weather.service';
import type { OpenAIResponsesClient } from '../../src/tools/web-search/openai-responses.client';
import { WebSearchService } from '../../src/tools/web-search/web-search.service';
import { WebSearchTool } from '../../src/tools/web-search/web-search.tool';
import { TOOL_CATALOG, ToolCatalog } from '../../src/common/session-ports';
import { FakeOpenMeteo } from '../../test/fakes/weather/fake-open-meteo.server';
import { RedisServer } from '../../test/support/redis-server';
import { startTestApp } from '../../test/support/test-app';
import { CountingLimiter, toolContext, toolMetrics } from '../../test/tools/tool-kit';
import { BenchRow, micros, Percentiles, timeAsync } from '../measure';

// Tool overhead without the upstream: argument parsing and validation, cache lookup and result
// shaping, through the real registry, service, source and client. The outbound HTTP layer answers
// instantly from memory with Open-Meteo's response shapes; the limiter is the rate-limit module's
// (measured in its own section), so here it always allows.

const CONFIG = {
  weatherApiKey: undefined,
  openMeteoGeocodingUrl: 'https://geocoding-api.open-meteo.com/v1',
  openMeteoForecastUrl: 'https://api.open-meteo.com/v1',
  weatherApiBaseUrl: 'https://api.weatherapi.com/v1',
  openMeteoApiKey: undefined,
  weatherApiMaxForecastDays: 3,
};

const DATES = ['2026-05-01', '2026-05-02', '2026-05-03'];
const FORECAST = {
  latitude: 48.86,
  longitude: 2.3399997,
  generationtime_ms: 0.06,
  utc_offset_seconds: 7200,
  timezone: 'Europe/Paris',
  timezone_abbreviation: 'GMT+2',
  elevation: 43,
  current_units: { time: 'iso8601', interval: 'seconds', temperature_2m: '°C' },
  current: { time: '2026-05-01T14:15', interval: 900, temperature_2m: 17.3, relative_humidity_2m: 62, apparent_temperature: 16.1, is_day: 1, precipitation: 0, weather_code: 2, wind_speed_10m: 11.2, wind_direction_10m: 225, wind_gusts_10m: 24.5 },
  daily_units: { time: 'iso8601', temperature_2m_max: '°C' },
  daily: { time: DATES, weather_code: [2, 3, 61], temperature_2m_max: [20.5, 21.9, 19.7], temperature_2m_min: [11.2, 11.9, 10.8], precipitation_sum: [0, 0, 3.4], precipitation_probability_max: [20, 5, 65], wind_speed_10m_max: [17.9, 18.9, 19.9] },
};

/** The outbound layer answering from memory: what is left is our own work. */
class InstantHttp extends UpstreamHttp {
  override async getJson(_upstream: string, url: URL): Promise<UpstreamResponse> {
    if (url.pathname.endsWith('/search')) {
      const name = url.searchParams.get('name') ?? 'Paris';
      return {
        status: 200,
        body: {
          results: [
            { id: 2988507, name, latitude: 48.85341, longitude: 2.3488, elevation: 42, feature_code: 'PPLC', country_code: 'FR', timezone: 'Europe/Paris', population: 2138551, country_id: 3017382, country: 'France', admin1: 'Île-de-France', admin2: 'Paris' },
            { id: 4717560, name, latitude: 33.66094, longitude: -95.55551, elevation: 183, feature_code: 'PPLA2', country_code: 'US', timezone: 'America/Chicago', population: 24782, country_id: 6252001, country: 'United States', admin1: 'Texas', admin2: 'Lamar' },
          ],
          generationtime_ms: 0.85,
        },
      };
    }
    return { status: 200, body: FORECAST };
  }
}

const SEARCH_RESPONSE = {
  id: 'resp_bench',
  status: 'completed',
  output: [
    { type: 'web_search_call', id: 'ws', status: 'completed', action: { type: 'search', query: 'q', sources: [{ type: 'url', url: 'https://www.reuters.com/markets/' }] } },
    {
      type: 'message',
      id: 'msg',
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text: 'AT&T closed at $24.10 on Friday, up 1.2 percent ([reuters.com](https://www.reuters.com/markets/)).', annotations: [{ type: 'url_citation', url: 'https://www.reuters.com/markets/', title: 'Markets | Reuters', start_index: 0, end_index: 10 }] }],
    },
  ],
  usage: { input_tokens: 8_123, input_tokens_details: { cached_tokens: 0 }, output_tokens: 97, output_tokens_details: { reasoning_tokens: 32 }, total_tokens: 8_220 },
  tool_usage: { web_search: { num_requests: 1 } },
} as unknown as Response;

function registryOn(store: StateStore): ToolRegistry {
  const metrics = toolMetrics();
  const limiter = new CountingLimiter();
  const registry = new ToolRegistry({ getProviders: () => [] } as unknown as DiscoveryService, limiter, metrics.calls, metrics.duration);
  const weather = new WeatherService(new OpenMeteoSource(new OpenMeteoClient(CONFIG, new InstantHttp(metrics.upstreamErrors))), store);
  registry.register(new CurrentWeatherTool(weather));
  registry.register(new WeatherForecastTool(weather));
  const searchClient = { configured: true, model: 'gpt-5.4-mini', webSearch: async () => SEARCH_RESPONSE } as unknown as OpenAIResponsesClient;
  registry.register(new WebSearchTool(new WebSearchService(searchClient, metrics.upstreamErrors)));
  return registry;
}

const row = (name: string, stats: Percentiles, targetMicros?: number, key?: string): BenchRow => ({
  name,
  value: `${micros(stats.p50)} / ${micros(stats.p99)}`,
  target: targetMicros === undefined ? undefined : `p99 < ${micros(targetMicros)}`,
  pass: targetMicros === undefined ? undefined : stats.p99 < targetMicros,
  ...(key ? { key, raw: stats.p99 } : {}),
});

export async function toolsSection(): Promise<BenchRow[]> {
  Logger.overrideLogger(false);
  const context = toolContext();
  const memory = new MemoryStore(new SystemClock());
  const registry = registryOn(memory);

  await registry.run('get_current_weather', '{"location":"Paris, France"}', context);
  const hit = await timeAsync(() => registry.run('get_current_weather', '{"location":"Paris, France"}', context), 50_000, 5_000);
  const miss = await timeAsync((i) => registry.run('get_weather_forecast', `{"location":"Paris ${i}","days":3}`, context), 20_000, 2_000);
  const invalid = await timeAsync(() => registry.run('get_current_weather', '{"location":"<script>alert(1)</script>"}', context), 50_000, 5_000);
  const search = await timeAsync((i) => registry.run('web_search', `{"query":"price of AT&T stock ${i}"}`, context), 20_000, 2_000);
  memory.stop();

  const server = await RedisServer.start();
  const redis = new RedisStore(server.url, { commandTimeoutMs: 1_000 });
  await redis.waitUntilReady(5_000);
  const onRedis = registryOn(redis);
  await onRedis.run('get_current_weather', '{"location":"Paris, France"}', context);
  const redisHit = await timeAsync(() => onRedis.run('get_current_weather', '{"location":"Paris, France"}', context), 10_000, 1_000);
  await redis.close();
  await server.stop();

  // The same cached answer through the real app's TOOL_CATALOG: the rate-limit module's limiter
  // (in memory, limit raised out of the way) included.
  const fake = await FakeOpenMeteo.start();
  const app = await startTestApp({ ...fake.env, WEATHER_API_KEY: undefined, REDIS_URL: undefined, RATE_LIMIT_WEATHER_API: '100000000/hour', LOG_LEVEL: 'error' });
  const catalog = app.app.get<ToolCatalog>(TOOL_CATALOG);
  await catalog.run('get_current_weather', '{"location":"Paris, France"}', context);
  const inApp = await timeAsync(() => catalog.run('get_current_weather', '{"location":"Paris, France"}', context), 20_000, 2_000);
  await app.close();
  await fake.stop();

  return [
    row('weather tool overhead, cached answer (validate + cache hit), MemoryStore p50 / p99', hit, 500),
    row('weather tool overhead, new place (validate + cache miss + match + shape + cache write) p50 / p99', miss, 500),
    row('invalid arguments refused (parse + validate) p50 / p99', invalid, 500, 'validation.tool.p99'),
    row('web_search overhead (validate + shape answer + report usage) p50 / p99', search, 500),
    row('weather tool, cached answer on Redis (loopback) p50 / p99', redisHit),
    row('weather tool via the app catalog, cached answer + real limiter (memory) p50 / p99', inApp, 500),
  ];
}
