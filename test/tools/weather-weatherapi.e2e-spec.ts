// With WEATHER_API_KEY the weather tools use weatherapi.com: the real app against a local fake of
// weatherapi.com on loopback; a fake Open-Meteo is configured too, to prove it is never called.
import type { ToolCatalog } from '../../src/common/session-ports';
import { FakeOpenMeteo } from '../fakes/weather/fake-open-meteo.server';
import { FakeWeatherApi } from '../fakes/weather/fake-weatherapi.server';
import { dayOf, PLACES, toFahrenheit, toInches } from '../fakes/weather/places';
import { startTestApp, TestApp } from '../support/test-app';
import { toolContext } from './tool-kit';
import { call, catalogOf } from './tools-e2e-kit';

let nextIp = 1;
const caller = () => toolContext(`192.0.2.${100 + nextIp++}`);

describe('weather tools on weatherapi.com (real app, fake weatherapi.com on loopback)', () => {
  let weatherApi: FakeWeatherApi;
  let openMeteo: FakeOpenMeteo;
  let app: TestApp;
  let catalog: ToolCatalog;

  beforeAll(async () => {
    weatherApi = await FakeWeatherApi.start();
    openMeteo = await FakeOpenMeteo.start();
    app = await startTestApp({ ...openMeteo.env, ...weatherApi.env, REDIS_URL: undefined, RATE_LIMIT_WEATHER_API: '1000/hour', WEATHERAPI_MAX_FORECAST_DAYS: undefined });
    catalog = catalogOf(app);
  });
  afterAll(async () => {
    await app.close();
    await weatherApi.stop();
    await openMeteo.stop();
  });
  beforeEach(() => {
    weatherApi.clear();
    weatherApi.planDays = 3;
  });
  afterEach(() => expect(openMeteo.requests).toHaveLength(0));

  it('current weather from /v1/current.json, with the key and the place as query parameters', async () => {
    const paris = PLACES.find((entry) => entry.geocoding.id === 2988507)!;
    const result = await call(catalog, 'get_current_weather', { location: 'Paris' }, caller());
    expect(result).toMatchObject({ ok: true, outcome: 'ok' });
    expect(result.body).toEqual({
      place: { name: 'Paris', region: 'Ile-de-France', country: 'France' },
      units: { system: 'metric', temperature: '°C', windSpeed: 'km/h', precipitation: 'mm' },
      current: {
        observedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/),
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
    });
    const [request] = weatherApi.requestsTo('/v1/current.json');
    expect(Object.fromEntries(request.query)).toEqual({ key: weatherApi.apiKey, q: 'Paris', aqi: 'no' });
  });

  it('asks for no more forecast days than the plan serves (3 by default) and says so when more were asked for', async () => {
    const result = await call(catalog, 'get_weather_forecast', { location: 'Paris', days: 7 }, caller());
    expect(result).toMatchObject({ ok: true, outcome: 'ok' });
    expect(result.body.days).toHaveLength(3);
    expect(result.body.note).toBe('The weather service here gives only 3 days of forecast, so this covers 3 of the 7 days asked for.');
    expect(weatherApi.requestsTo('/v1/forecast.json')[0].query.get('days')).toBe('3');
    // Within the plan: no note.
    const short = await call(catalog, 'get_weather_forecast', { location: 'Paris', days: 2 }, caller());
    expect(short.body.days).toHaveLength(2);
    expect(short.body.note).toBeUndefined();
  });

  it('units follow the place it resolved: Union City, NJ in °F, mph and inches', async () => {
    weatherApi.planDays = 14;
    const union = PLACES.find((entry) => entry.geocoding.id === 5105127)!;
    const result = await call(catalog, 'get_weather_forecast', { location: 'Union City, NJ', days: 5 }, caller());
    expect(result.body).toMatchObject({
      place: { name: 'Union City', region: 'New Jersey', country: 'United States of America', countryCode: 'US' },
      units: { system: 'imperial', temperature: '°F', windSpeed: 'mph', precipitation: 'in' },
    });
    const days = result.body.days as Array<Record<string, unknown>>;
    expect(days).toHaveLength(3);
    expect(days[2]).toEqual({
      date: expect.any(String),
      conditions: 'Patchy rain nearby',
      high: toFahrenheit(dayOf(union, 2).maxC),
      low: toFahrenheit(dayOf(union, 2).minC),
      precipitation: toInches(dayOf(union, 2).precipitationMm),
      precipitationChancePercent: 65,
      maxWind: expect.any(Number),
    });
    expect(Object.fromEntries(weatherApi.requestsTo('/v1/forecast.json')[0].query)).toEqual({
      key: weatherApi.apiKey,
      q: 'Union City, NJ',
      days: '3',
      aqi: 'no',
      alerts: 'no',
      hour: '12',
    });
  });

  it("real names with apostrophes and accents reach it intact (L'Aquila, Saint-Étienne)", async () => {
    expect((await call(catalog, 'get_current_weather', { location: "L'Aquila" }, caller())).body.place).toMatchObject({ country: 'Italy' });
    expect((await call(catalog, 'get_current_weather', { location: 'Saint-Étienne' }, caller())).body.place).toMatchObject({ country: 'France' });
    expect(weatherApi.requestsTo('/v1/current.json').map((request) => request.query.get('q'))).toEqual(["L'Aquila", 'Saint-Étienne']);
  });

  it('unknown place (error 1006): not_found, not an exception', async () => {
    const result = await call(catalog, 'get_weather_forecast', { location: 'Xyzzyville' }, caller());
    expect(result).toMatchObject({ ok: false, outcome: 'not_found', body: { error: 'not_found' } });
  });

  it('a 5xx is retried once; a rejected key is an error result, not retried', async () => {
    weatherApi.fail('/v1/current.json', { status: 503, body: { error: { code: 9999, message: 'Internal application error.' } } });
    expect((await call(catalog, 'get_current_weather', { location: 'Tokyo' }, caller())).outcome).toBe('ok');
    expect(weatherApi.requestsTo('/v1/current.json')).toHaveLength(2);
    weatherApi.fail('/v1/current.json', { status: 403, body: { error: { code: 2007, message: 'API key has exceeded calls per month quota.' } } });
    expect((await call(catalog, 'get_current_weather', { location: 'Yangon' }, caller())).outcome).toBe('upstream_error');
    expect(weatherApi.requestsTo('/v1/current.json')).toHaveLength(3);
  });
});
