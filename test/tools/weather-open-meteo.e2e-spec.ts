// The weather tools in the real app (Open-Meteo, the default), reached through TOOL_CATALOG from
// DI, against a local fake of Open-Meteo on loopback. Limits come from the real rate-limit module.
import type { ToolCatalog } from '../../src/common/session-ports';
import { FakeOpenMeteo } from '../fakes/weather/fake-open-meteo.server';
import { dayOf, PLACES, toFahrenheit, toMph } from '../fakes/weather/places';
import { createServer, Server } from 'node:http';
import { freePort } from '../support/ports';
import { startTestApp, TestApp } from '../support/test-app';
import { toolContext } from './tool-kit';
import { call, catalogOf, metricValue } from './tools-e2e-kit';

const paris = PLACES.find((entry) => entry.geocoding.id === 2988507)!;
const parisTexas = PLACES.find((entry) => entry.geocoding.id === 4717560)!;

let nextIp = 1;
/** A fresh caller for each test, so limits of one test never touch another. */
const caller = () => toolContext(`192.0.2.${nextIp++}`);

describe('weather tools on Open-Meteo (real app, fake Open-Meteo on loopback)', () => {
  let fake: FakeOpenMeteo;
  let app: TestApp;
  let catalog: ToolCatalog;

  beforeAll(async () => {
    fake = await FakeOpenMeteo.start();
    app = await startTestApp({ ...fake.env, WEATHER_API_KEY: undefined, REDIS_URL: undefined, RATE_LIMIT_WEATHER_API: '1000/hour' });
    catalog = catalogOf(app);
  });
  afterAll(async () => {
    await app.close();
    await fake.stop();
  });
  beforeEach(() => fake.clear());

  it('lists the weather tools (and web_search) for the session, with JSON-schema parameters', () => {
    const definitions = catalog.definitions();
    expect(definitions.map((definition) => definition.name).sort()).toEqual(['get_current_weather', 'get_weather_forecast', 'web_search']);
    const forecast = definitions.find((definition) => definition.name === 'get_weather_forecast')!;
    expect(forecast).toMatchObject({
      type: 'function',
      parameters: {
        type: 'object',
        required: ['location'],
        properties: { location: { type: 'string', maxLength: 100 }, days: { type: 'integer', minimum: 1, maximum: 7, default: 3 } },
      },
    });
  });

  it('current weather: geocodes, asks for the forecast in metric, and answers with the place, units and conditions in words', async () => {
    const result = await call(catalog, 'get_current_weather', { location: 'Paris' }, caller());
    expect(result).toMatchObject({ ok: true, outcome: 'ok' });
    expect(result.body).toEqual({
      place: { name: 'Paris', region: 'Île-de-France', country: 'France', countryCode: 'FR' },
      units: { system: 'metric', temperature: '°C', windSpeed: 'km/h', precipitation: 'mm' },
      current: {
        observedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T14:15$/),
        conditions: 'Partly cloudy',
        temperature: paris.weather.temperatureC,
        feelsLike: paris.weather.feelsLikeC,
        humidityPercent: paris.weather.humidity,
        windSpeed: paris.weather.windKmh,
        windGusts: paris.weather.gustsKmh,
        windDirection: 'SW',
        precipitation: 0,
        isDay: true,
      },
      today: expect.objectContaining({ high: dayOf(paris, 0).maxC, low: dayOf(paris, 0).minC }),
    });
    const [search] = fake.requestsTo('/v1/search');
    expect(Object.fromEntries(search.query)).toEqual({ name: 'Paris', count: '20', language: 'en', format: 'json' });
    const [forecast] = fake.requestsTo('/v1/forecast');
    expect(forecast.query.get('temperature_unit')).toBe('celsius');
    expect(forecast.query.get('latitude')).toBe(String(paris.geocoding.latitude));
    expect(forecast.query.get('timezone')).toBe('Europe/Paris');
  });

  it('units follow the place: Paris, Texas in Fahrenheit and mph (asked that way upstream)', async () => {
    const result = await call(catalog, 'get_current_weather', { location: 'Paris, Texas' }, caller());
    expect(result.body).toMatchObject({
      place: { name: 'Paris', region: 'Texas', country: 'United States', countryCode: 'US' },
      units: { system: 'imperial', temperature: '°F', windSpeed: 'mph', precipitation: 'in' },
      current: { temperature: toFahrenheit(parisTexas.weather.temperatureC), windSpeed: toMph(parisTexas.weather.windKmh) },
    });
    const [forecast] = fake.requestsTo('/v1/forecast');
    expect(Object.fromEntries(forecast.query)).toMatchObject({ temperature_unit: 'fahrenheit', wind_speed_unit: 'mph', precipitation_unit: 'inch' });
  });

  it.each([
    ['San Juan, Puerto Rico', 'imperial'],
    ['Monrovia', 'imperial'],
    ['Yangon', 'imperial'],
    ['London', 'metric'],
    ['London, Ontario', 'metric'],
    ['東京', 'metric'],
  ])('%s → %s units', async (location, system) => {
    const result = await call(catalog, 'get_current_weather', { location }, caller());
    expect(result.outcome).toBe('ok');
    expect((result.body.units as { system: string }).system).toBe(system);
  });

  it.each(["L'Aquila", 'São Paulo', 'Union City, NJ', 'Saint-Étienne', "Xi'an", '東京'])('finds %s (real names are not refused)', async (location) => {
    const result = await call(catalog, 'get_weather_forecast', { location }, caller());
    expect(result.outcome).toBe('ok');
    // The name travels as an encoded query parameter and arrives intact.
    expect(fake.requestsTo('/v1/search')[0].query.get('name')).toBe(location.split(',')[0]);
  });

  it('forecast: 3 days by default, up to 7, with highs, lows, precipitation and its chance', async () => {
    const three = await call(catalog, 'get_weather_forecast', { location: 'Paris, France' }, caller());
    expect(three.body.days).toHaveLength(3);
    expect(fake.requestsTo('/v1/forecast')[0].query.get('forecast_days')).toBe('3');
    const seven = await call(catalog, 'get_weather_forecast', { location: 'Saint-Étienne', days: 7 }, caller());
    const days = seven.body.days as Array<Record<string, unknown>>;
    expect(days).toHaveLength(7);
    expect(days[2]).toEqual({
      date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      conditions: 'Slight rain',
      high: dayOf(PLACES.find((entry) => entry.geocoding.name === 'Saint-Étienne')!, 2).maxC,
      low: expect.any(Number),
      precipitation: 3.4,
      precipitationChancePercent: 65,
      maxWind: expect.any(Number),
    });
  });

  it('ambiguous place: says so with the candidates, and does not guess (no forecast request)', async () => {
    const result = await call(catalog, 'get_current_weather', { location: 'Springfield' }, caller());
    expect(result).toMatchObject({ ok: false, outcome: 'ambiguous' });
    expect(result.body).toEqual({
      error: 'ambiguous',
      message: expect.stringContaining('several places'),
      candidates: ['Springfield, Missouri, United States', 'Springfield, Massachusetts, United States', 'Springfield, Illinois, United States'],
    });
    expect(fake.requestsTo('/v1/forecast')).toHaveLength(0);
    const union = await call(catalog, 'get_current_weather', { location: 'Union City' }, caller());
    expect(union.body.candidates).toEqual(['Union City, California, United States', 'Union City, New Jersey, United States']);
    const narrowed = await call(catalog, 'get_current_weather', { location: 'Union City, NJ' }, caller());
    expect(narrowed.body.place).toEqual({ name: 'Union City', region: 'New Jersey', country: 'United States', countryCode: 'US' });
  });

  it('unknown place: says so (not_found), not an exception', async () => {
    const result = await call(catalog, 'get_current_weather', { location: 'Xyzzyville' }, caller());
    expect(result).toMatchObject({ ok: false, outcome: 'not_found', body: { error: 'not_found', message: expect.stringContaining('Xyzzyville') } });
  });

  it('invalid arguments: a short error result and no request at all', async () => {
    for (const args of [{ location: '' }, { location: 'x'.repeat(101) }, { location: 'https://evil.example/' }, { location: '<b>Paris</b>' }, { location: 'Paris\nHost: x' }, { location: 'Paris', days: 8 }, { location: 'Paris', days: 2.5 }, {}, '{oops']) {
      const result = await call(catalog, 'get_weather_forecast', args, caller());
      expect(result).toMatchObject({ ok: false, outcome: 'invalid_arguments', body: { error: 'invalid_arguments', message: expect.any(String) } });
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('repeated question: answered from the cache, no second request (case and spacing do not matter)', async () => {
    const first = await call(catalog, 'get_current_weather', { location: 'Xi’an' }, caller());
    const again = await call(catalog, 'get_current_weather', { location: '  xi’AN ' }, caller());
    expect(again.body).toEqual(first.body);
    expect(fake.requestsTo('/v1/search')).toHaveLength(1);
    expect(fake.requestsTo('/v1/forecast')).toHaveLength(1);
  });

  it('upstream 500 then 200: one retry, an answer, and the failed attempt counted', async () => {
    const errorsBefore = await metricValue('ducke_upstream_errors_total', { upstream: 'open_meteo' });
    fake.fail('/v1/search', { status: 500 });
    const result = await call(catalog, 'get_current_weather', { location: 'Tokyo' }, caller());
    expect(result.outcome).toBe('ok');
    expect(fake.requestsTo('/v1/search')).toHaveLength(2);
    expect(await metricValue('ducke_upstream_errors_total', { upstream: 'open_meteo' })).toBe(errorsBefore + 1);
  });

  it('a dropped connection is retried once too', async () => {
    fake.fail('/v1/forecast', { reset: true });
    const result = await call(catalog, 'get_weather_forecast', { location: 'Yangon', days: 2 }, caller());
    expect(result.outcome).toBe('ok');
    expect(fake.requestsTo('/v1/forecast')).toHaveLength(2);
  });

  it('upstream failing twice: a spoken error after exactly one retry, and nothing cached', async () => {
    fake.fail('/v1/forecast', { status: 502 }, { status: 503 });
    const failed = await call(catalog, 'get_weather_forecast', { location: 'Monrovia', days: 4 }, caller());
    expect(failed).toMatchObject({ ok: false, outcome: 'upstream_error', body: { error: 'upstream_error', message: expect.stringContaining('not answering') } });
    expect(fake.requestsTo('/v1/forecast')).toHaveLength(2);
    expect((await call(catalog, 'get_weather_forecast', { location: 'Monrovia', days: 4 }, caller())).outcome).toBe('ok');
  });

  it('upstream timeout: an error result after the attempt timeout (a few seconds), no retry of a hung request', async () => {
    fake.fail('/v1/search', { hang: true });
    const started = Date.now();
    const result = await call(catalog, 'get_current_weather', { location: 'London, UK' }, caller());
    const elapsed = Date.now() - started;
    expect(result.outcome).toBe('upstream_error');
    expect(elapsed).toBeGreaterThanOrEqual(2_900);
    expect(elapsed).toBeLessThan(6_000);
    expect(fake.requestsTo('/v1/search')).toHaveLength(1);
  });

  it('oversized body: refused (chunked or with a declared length), an error result', async () => {
    fake.fail('/v1/search', { oversizeBytes: 2 * 1024 * 1024 });
    expect((await call(catalog, 'get_current_weather', { location: 'Paris, FR' }, caller())).outcome).toBe('upstream_error');
    fake.fail('/v1/search', { oversizeBytes: 2 * 1024 * 1024, declareLength: true });
    expect((await call(catalog, 'get_current_weather', { location: 'Paris, Île-de-France' }, caller())).outcome).toBe('upstream_error');
  });

  it('redirects are refused: the other host is never contacted', async () => {
    let contacted = 0;
    const elsewhere: Server = createServer((_req, res) => {
      contacted++;
      res.end('{}');
    });
    const port = await freePort();
    await new Promise<void>((resolve) => elsewhere.listen(port, '127.0.0.1', resolve));
    try {
      fake.fail('/v1/search', { redirectTo: `http://127.0.0.1:${port}/v1/search?name=x` });
      expect((await call(catalog, 'get_current_weather', { location: 'São Paulo, Brazil' }, caller())).outcome).toBe('upstream_error');
      expect(contacted).toBe(0);
    } finally {
      await new Promise((resolve) => elsewhere.close(resolve));
    }
  });

  it('stops its request when the session ends (context.signal)', async () => {
    fake.fail('/v1/search', { hang: true });
    const context = caller();
    const pending = call(catalog, 'get_current_weather', { location: 'Paris, Tennessee' }, context);
    setTimeout(() => context.abort(), 100);
    const started = Date.now();
    expect((await pending).outcome).toBe('upstream_error');
    expect(Date.now() - started).toBeLessThan(2_500); // well before the 3 s timeout: the abort did it
  });

  it('records every call in ducke_tool_calls_total and the duration histogram, unknown tools as "unknown"', async () => {
    const okBefore = await metricValue('ducke_tool_calls_total', { tool: 'get_current_weather', outcome: 'ok' });
    const timedBefore = await metricValue('ducke_tool_duration_seconds', { tool: 'get_current_weather', outcome: 'ok' });
    const unknownBefore = await metricValue('ducke_tool_calls_total', { tool: 'unknown', outcome: 'unknown_tool' });
    await call(catalog, 'get_current_weather', { location: 'Paris' }, caller());
    const unknown = await call(catalog, 'launch_rockets', {}, caller());
    expect(unknown).toMatchObject({ ok: false, outcome: 'unknown_tool', body: { error: 'unknown_tool' } });
    expect(await metricValue('ducke_tool_calls_total', { tool: 'get_current_weather', outcome: 'ok' })).toBe(okBefore + 1);
    expect(await metricValue('ducke_tool_duration_seconds', { tool: 'get_current_weather', outcome: 'ok' })).toBe(timedBefore + 1);
    expect(await metricValue('ducke_tool_calls_total', { tool: 'unknown', outcome: 'unknown_tool' })).toBe(unknownBefore + 1);
    expect(await metricValue('ducke_tool_calls_total', { tool: 'launch_rockets' })).toBe(0);
  });

  it('serves the tool metrics on /metrics with their types', async () => {
    await call(catalog, 'get_current_weather', { location: 'Paris' }, caller());
    const text = await (await fetch(`${app.url}/metrics`)).text();
    expect(text).toContain('# TYPE ducke_tool_calls_total counter');
    expect(text).toContain('# TYPE ducke_tool_duration_seconds histogram');
    expect(text).toContain('# TYPE ducke_upstream_errors_total counter');
    expect(text).toMatch(/^ducke_tool_calls_total\{tool="get_current_weather",outcome="ok"\} \d+$/m);
    expect(text).toMatch(/^ducke_tool_duration_seconds_count\{tool="get_current_weather",outcome="ok"\} \d+$/m);
  });
});

describe('weather tools on an Open-Meteo commercial plan (OPEN_METEO_API_KEY)', () => {
  let fake: FakeOpenMeteo;
  let app: TestApp;

  beforeAll(async () => {
    fake = await FakeOpenMeteo.start();
    fake.requiredApiKey = 'om-customer-key';
    app = await startTestApp({ ...fake.env, OPEN_METEO_API_KEY: 'om-customer-key', WEATHER_API_KEY: undefined, REDIS_URL: undefined, RATE_LIMIT_WEATHER_API: '1000/hour' });
  });
  afterAll(async () => {
    await app.close();
    await fake.stop();
  });

  it('sends the key as `apikey` to geocoding and forecast alike', async () => {
    const result = await call(catalogOf(app), 'get_weather_forecast', { location: 'Paris', days: 2 }, caller());
    expect(result).toMatchObject({ ok: true, outcome: 'ok' });
    expect(fake.requests.map((request) => [request.path, request.query.get('apikey')])).toEqual([
      ['/v1/search', 'om-customer-key'],
      ['/v1/forecast', 'om-customer-key'],
    ]);
  });
});
