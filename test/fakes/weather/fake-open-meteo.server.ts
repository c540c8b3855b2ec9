import type { ServerResponse } from 'node:http';
import { dayOf, fold, isoDate, namesOf, nearest, PLACES, round, toFahrenheit, toInches, toMph } from './places';
import { FakeHttpServer, LoggedRequest, sendJson } from './fake-http.server';

// A local stand-in for Open-Meteo: GET /v1/search (geocoding) and GET /v1/forecast, with the
// real parameter names, field names, units objects and error shape ({"error":true,"reason"}).
// One server answers both; point OPEN_METEO_GEOCODING_URL and OPEN_METEO_FORECAST_URL at
// `baseUrl`.

const CURRENT_UNITS: Record<string, (imperial: { t: boolean; w: boolean; p: boolean }) => string> = {
  time: () => 'iso8601',
  interval: () => 'seconds',
  temperature_2m: (u) => (u.t ? '°F' : '°C'),
  relative_humidity_2m: () => '%',
  apparent_temperature: (u) => (u.t ? '°F' : '°C'),
  is_day: () => '',
  precipitation: (u) => (u.p ? 'inch' : 'mm'),
  weather_code: () => 'wmo code',
  wind_speed_10m: (u) => (u.w ? 'mp/h' : 'km/h'),
  wind_direction_10m: () => '°',
  wind_gusts_10m: (u) => (u.w ? 'mp/h' : 'km/h'),
};

const DAILY_UNITS: Record<string, (imperial: { t: boolean; w: boolean; p: boolean }) => string> = {
  time: () => 'iso8601',
  weather_code: () => 'wmo code',
  temperature_2m_max: (u) => (u.t ? '°F' : '°C'),
  temperature_2m_min: (u) => (u.t ? '°F' : '°C'),
  precipitation_sum: (u) => (u.p ? 'inch' : 'mm'),
  precipitation_probability_max: () => '%',
  wind_speed_10m_max: (u) => (u.w ? 'mp/h' : 'km/h'),
};

export class FakeOpenMeteo extends FakeHttpServer {
  static async start(): Promise<FakeOpenMeteo> {
    const fake = new FakeOpenMeteo();
    await fake.listen();
    return fake;
  }

  /** The environment that points the app at this fake. */
  get env(): Record<string, string> {
    return { OPEN_METEO_GEOCODING_URL: this.baseUrl, OPEN_METEO_FORECAST_URL: this.baseUrl };
  }

  /** Set: a commercial (customer-…) host, which refuses requests without this `apikey`. */
  requiredApiKey?: string;

  protected handle(request: LoggedRequest, res: ServerResponse): void {
    if (this.requiredApiKey !== undefined && request.query.get('apikey') !== this.requiredApiKey) {
      return sendJson(res, 400, { error: true, reason: 'API key is invalid or missing.' });
    }
    if (request.method === 'GET' && request.path === '/v1/search') return this.search(request, res);
    if (request.method === 'GET' && request.path === '/v1/forecast') return this.forecast(request, res);
    sendJson(res, 404, { error: true, reason: 'Not Found' });
  }

  private search(request: LoggedRequest, res: ServerResponse): void {
    const name = request.query.get('name');
    if (name === null) return sendJson(res, 400, { error: true, reason: "Parameter 'name' is required" });
    const count = Math.min(100, Math.max(1, Number(request.query.get('count') ?? 10) || 10));
    const wanted = fold(name);
    // Exact names first, then prefixes (as the real geocoder does from 3 characters), biggest first.
    const matches = wanted.length < 2 ? [] : PLACES.filter((entry) => namesOf(entry).some((known) => known === wanted || (wanted.length >= 3 && known.startsWith(wanted))));
    matches.sort((a, b) => Number(namesOf(b).includes(wanted)) - Number(namesOf(a).includes(wanted)) || (b.geocoding.population ?? 0) - (a.geocoding.population ?? 0));
    const results = matches.slice(0, count).map((entry) => entry.geocoding);
    sendJson(res, 200, results.length ? { results, generationtime_ms: 0.8452511 } : { generationtime_ms: 0.5239248 });
  }

  private forecast(request: LoggedRequest, res: ServerResponse): void {
    const latitude = Number(request.query.get('latitude'));
    const longitude = Number(request.query.get('longitude'));
    if (!request.query.has('latitude') || !Number.isFinite(latitude) || Math.abs(latitude) > 90) {
      return sendJson(res, 400, { error: true, reason: 'Latitude must be in range of -90 to 90°. Given: ' + request.query.get('latitude') + '.' });
    }
    if (!request.query.has('longitude') || !Number.isFinite(longitude) || Math.abs(longitude) > 180) {
      return sendJson(res, 400, { error: true, reason: 'Longitude must be in range of -180 to 180°. Given: ' + request.query.get('longitude') + '.' });
    }
    const days = Number(request.query.get('forecast_days') ?? 7);
    if (!Number.isInteger(days) || days < 0 || days > 16) {
      return sendJson(res, 400, { error: true, reason: 'Forecast days is invalid. Allowed range 0 to 16.' });
    }
    const imperial = {
      t: request.query.get('temperature_unit') === 'fahrenheit',
      w: request.query.get('wind_speed_unit') === 'mph',
      p: request.query.get('precipitation_unit') === 'inch',
    };
    const temperature = (c: number) => (imperial.t ? toFahrenheit(c) : c);
    const wind = (kmh: number) => (imperial.w ? toMph(kmh) : kmh);
    const rain = (mm: number) => (imperial.p ? toInches(mm) : mm);

    const entry = nearest(latitude, longitude);
    const w = entry.weather;
    const body: Record<string, unknown> = {
      latitude: round(entry.geocoding.latitude, 3),
      longitude: round(entry.geocoding.longitude, 3),
      generationtime_ms: 0.0629425048828125,
      utc_offset_seconds: entry.utcOffsetSeconds,
      timezone: entry.geocoding.timezone,
      timezone_abbreviation: entry.timezoneAbbreviation,
      elevation: entry.geocoding.elevation,
    };
    const currentFields = request.query.get('current')?.split(',').filter(Boolean) ?? [];
    if (currentFields.length) {
      const values: Record<string, unknown> = {
        temperature_2m: temperature(w.temperatureC),
        relative_humidity_2m: w.humidity,
        apparent_temperature: temperature(w.feelsLikeC),
        is_day: w.isDay,
        precipitation: rain(w.precipitationMm),
        weather_code: w.wmoCode,
        wind_speed_10m: wind(w.windKmh),
        wind_direction_10m: w.windDegrees,
        wind_gusts_10m: wind(w.gustsKmh),
      };
      const unknown = currentFields.find((field) => !(field in values));
      if (unknown) return sendJson(res, 400, { error: true, reason: `Data corrupted at path ''. Cannot initialize ForecastVariable from invalid String value ${unknown}.` });
      body.current_units = Object.fromEntries(['time', 'interval', ...currentFields].map((field) => [field, CURRENT_UNITS[field](imperial)]));
      body.current = { time: `${isoDate(0)}T14:15`, interval: 900, ...Object.fromEntries(currentFields.map((field) => [field, values[field]])) };
    }
    const dailyFields = request.query.get('daily')?.split(',').filter(Boolean) ?? [];
    if (dailyFields.length) {
      const forecastDays = Array.from({ length: days }, (_, index) => dayOf(entry, index));
      const series: Record<string, unknown[]> = {
        time: forecastDays.map((_, index) => isoDate(index)),
        weather_code: forecastDays.map((day) => day.wmoCode),
        temperature_2m_max: forecastDays.map((day) => temperature(day.maxC)),
        temperature_2m_min: forecastDays.map((day) => temperature(day.minC)),
        precipitation_sum: forecastDays.map((day) => rain(day.precipitationMm)),
        precipitation_probability_max: forecastDays.map((day) => day.precipitationProbability),
        wind_speed_10m_max: forecastDays.map((day) => wind(day.maxWindKmh)),
      };
      const unknown = dailyFields.find((field) => !(field in series));
      if (unknown) return sendJson(res, 400, { error: true, reason: `Data corrupted at path ''. Cannot initialize ForecastVariableDaily from invalid String value ${unknown}.` });
      body.daily_units = Object.fromEntries(['time', ...dailyFields].map((field) => [field, DAILY_UNITS[field](imperial)]));
      body.daily = Object.fromEntries(['time', ...dailyFields].map((field) => [field, series[field]]));
    }
    sendJson(res, 200, body);
  }
}
