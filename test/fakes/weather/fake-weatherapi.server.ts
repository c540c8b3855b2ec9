import type { ServerResponse } from 'node:http';
import { dayOf, FakePlace, fold, isoDate, namesOf, PLACES, round, toFahrenheit, toInches, toMph } from './places';
import { FakeHttpServer, LoggedRequest, sendJson } from './fake-http.server';

// A local stand-in for weatherapi.com: GET /v1/current.json and /v1/forecast.json with `key`, `q`,
// `days`, `hour`, `aqi`, `alerts`; the real location/current/forecastday field names and the
// real error shape ({"error":{"code":1006,"message":"No matching location found."}}).

/** weatherapi.com condition for the WMO codes the gazetteer's forecast days use. */
const CONDITIONS: Record<number, { text: string; code: number; icon: number }> = {
  0: { text: 'Sunny', code: 1000, icon: 113 },
  1: { text: 'Sunny', code: 1000, icon: 113 },
  2: { text: 'Partly cloudy', code: 1003, icon: 116 },
  3: { text: 'Overcast', code: 1009, icon: 122 },
  45: { text: 'Fog', code: 1135, icon: 248 },
  51: { text: 'Patchy light drizzle', code: 1150, icon: 263 },
  61: { text: 'Patchy rain nearby', code: 1063, icon: 176 },
  63: { text: 'Moderate rain', code: 1189, icon: 302 },
  80: { text: 'Light rain shower', code: 1240, icon: 353 },
  81: { text: 'Moderate or heavy rain shower', code: 1243, icon: 356 },
  95: { text: 'Thundery outbreaks possible', code: 1087, icon: 200 },
};

const STATES: Record<string, string> = { nj: 'new jersey', ca: 'california', tx: 'texas', tn: 'tennessee', mo: 'missouri', ma: 'massachusetts', il: 'illinois', on: 'ontario' };
const COMPASS = ['N', 'NNE', 'NE', 'ENE', 'E', 'ESE', 'SE', 'SSE', 'S', 'SSW', 'SW', 'WSW', 'W', 'WNW', 'NW', 'NNW'];

export class FakeWeatherApi extends FakeHttpServer {
  readonly apiKey = 'weatherapi-test-key';
  /** Days the key's plan serves: like weatherapi.com, more are asked for and fewer are answered (free plan: 3). */
  planDays = 3;

  static async start(): Promise<FakeWeatherApi> {
    const fake = new FakeWeatherApi();
    await fake.listen();
    return fake;
  }

  /** The environment that points the app at this fake (and turns weatherapi.com on). */
  get env(): Record<string, string> {
    return { WEATHER_API_KEY: this.apiKey, WEATHERAPI_BASE_URL: this.baseUrl };
  }

  protected handle(request: LoggedRequest, res: ServerResponse): void {
    const isCurrent = request.path === '/v1/current.json';
    const isForecast = request.path === '/v1/forecast.json';
    if (request.method !== 'GET' || (!isCurrent && !isForecast)) return sendJson(res, 400, { error: { code: 1005, message: 'API request url is invalid.' } });
    const key = request.query.get('key');
    if (!key) return sendJson(res, 401, { error: { code: 1002, message: 'API key is invalid or not provided.' } });
    if (key !== this.apiKey) return sendJson(res, 401, { error: { code: 2006, message: 'API key provided is invalid' } });
    const q = request.query.get('q');
    if (!q) return sendJson(res, 400, { error: { code: 1003, message: 'Parameter q is missing.' } });
    const entry = resolve(q);
    if (!entry) return sendJson(res, 400, { error: { code: 1006, message: 'No matching location found.' } });

    const body: Record<string, unknown> = { location: location(entry), current: current(entry) };
    if (isForecast) {
      const days = Math.min(this.planDays, 14, Math.max(1, Number(request.query.get('days') ?? 1) || 1));
      const hour = request.query.get('hour');
      body.forecast = { forecastday: Array.from({ length: days }, (_, index) => forecastDay(entry, index, hour === null ? undefined : Number(hour))) };
      if (request.query.get('alerts') === 'yes') body.alerts = { alert: [] };
    }
    sendJson(res, 200, body);
  }
}

/** weatherapi.com's own best match: "Paris" is Paris, France; "Paris, Texas" narrows it. */
function resolve(q: string): FakePlace | undefined {
  const [name, ...qualifiers] = q.split(',').map((part) => fold(part)).filter(Boolean);
  const candidates = PLACES.filter((entry) => namesOf(entry).includes(name)).filter((entry) =>
    qualifiers.every((qualifier) => {
      const wanted = STATES[qualifier] ?? qualifier;
      return [entry.weatherapi.region, entry.weatherapi.country, entry.geocoding.admin1 ?? '', entry.geocoding.country, entry.geocoding.country_code].map(fold).includes(wanted);
    }),
  );
  return candidates.sort((a, b) => (b.geocoding.population ?? 0) - (a.geocoding.population ?? 0))[0];
}

function localTime(entry: FakePlace): { epoch: number; text: string } {
  const epoch = Math.floor(Date.now() / 1000);
  const local = new Date((epoch + entry.utcOffsetSeconds) * 1000).toISOString();
  return { epoch, text: `${local.slice(0, 10)} ${Number(local.slice(11, 13))}:${local.slice(14, 16)}` };
}

function location(entry: FakePlace) {
  const time = localTime(entry);
  return {
    name: entry.weatherapi.name,
    region: entry.weatherapi.region,
    country: entry.weatherapi.country,
    lat: round(entry.geocoding.latitude, 2),
    lon: round(entry.geocoding.longitude, 2),
    tz_id: entry.weatherapi.tz_id,
    localtime_epoch: time.epoch,
    localtime: time.text,
  };
}

function condition(text: string, code: number, icon: number, isDay = 1) {
  return { text, icon: `//cdn.weatherapi.com/weather/64x64/${isDay ? 'day' : 'night'}/${icon}.png`, code };
}

function current(entry: FakePlace) {
  const w = entry.weather;
  const updated = Math.floor(Date.now() / 900_000) * 900;
  const local = new Date((updated + entry.utcOffsetSeconds) * 1000).toISOString();
  return {
    last_updated_epoch: updated,
    last_updated: `${local.slice(0, 10)} ${local.slice(11, 16)}`,
    temp_c: w.temperatureC,
    temp_f: toFahrenheit(w.temperatureC),
    is_day: w.isDay,
    condition: condition(w.weatherApiText, w.weatherApiCode, 116, w.isDay),
    wind_mph: toMph(w.windKmh),
    wind_kph: w.windKmh,
    wind_degree: w.windDegrees,
    wind_dir: COMPASS[Math.round(w.windDegrees / 22.5) % 16],
    pressure_mb: 1015.0,
    pressure_in: 29.97,
    precip_mm: w.precipitationMm,
    precip_in: toInches(w.precipitationMm),
    humidity: w.humidity,
    cloud: 50,
    feelslike_c: w.feelsLikeC,
    feelslike_f: toFahrenheit(w.feelsLikeC),
    windchill_c: round(w.feelsLikeC - 1),
    windchill_f: toFahrenheit(w.feelsLikeC - 1),
    heatindex_c: round(w.temperatureC + 0.5),
    heatindex_f: toFahrenheit(w.temperatureC + 0.5),
    dewpoint_c: round(w.temperatureC - (100 - w.humidity) / 5),
    dewpoint_f: toFahrenheit(w.temperatureC - (100 - w.humidity) / 5),
    vis_km: 10.0,
    vis_miles: 6.0,
    uv: 3.0,
    gust_mph: toMph(w.gustsKmh),
    gust_kph: w.gustsKmh,
  };
}

function forecastDay(entry: FakePlace, index: number, onlyHour: number | undefined) {
  const day = dayOf(entry, index);
  const words = CONDITIONS[day.wmoCode] ?? CONDITIONS[2];
  const date = isoDate(index);
  const hours = (onlyHour === undefined ? Array.from({ length: 24 }, (_, hour) => hour) : [onlyHour]).map((hour) => ({
    time_epoch: Date.parse(`${date}T00:00:00Z`) / 1000 + hour * 3600 - entry.utcOffsetSeconds,
    time: `${date} ${String(hour).padStart(2, '0')}:00`,
    temp_c: round(day.minC + ((day.maxC - day.minC) * (12 - Math.abs(hour - 14))) / 12),
    temp_f: toFahrenheit(day.minC + ((day.maxC - day.minC) * (12 - Math.abs(hour - 14))) / 12),
    is_day: hour >= 6 && hour < 20 ? 1 : 0,
    condition: condition(words.text, words.code, words.icon, hour >= 6 && hour < 20 ? 1 : 0),
    wind_mph: toMph(day.maxWindKmh * 0.7),
    wind_kph: round(day.maxWindKmh * 0.7),
    humidity: entry.weather.humidity,
    chance_of_rain: day.precipitationProbability,
  }));
  return {
    date,
    date_epoch: Date.parse(`${date}T00:00:00Z`) / 1000,
    day: {
      maxtemp_c: day.maxC,
      maxtemp_f: toFahrenheit(day.maxC),
      mintemp_c: day.minC,
      mintemp_f: toFahrenheit(day.minC),
      avgtemp_c: round((day.maxC + day.minC) / 2),
      avgtemp_f: toFahrenheit((day.maxC + day.minC) / 2),
      maxwind_mph: toMph(day.maxWindKmh),
      maxwind_kph: day.maxWindKmh,
      totalprecip_mm: day.precipitationMm,
      totalprecip_in: toInches(day.precipitationMm),
      totalsnow_cm: 0.0,
      avgvis_km: 10.0,
      avgvis_miles: 6.0,
      avghumidity: entry.weather.humidity,
      daily_will_it_rain: day.precipitationProbability >= 50 ? 1 : 0,
      daily_chance_of_rain: day.precipitationProbability,
      daily_will_it_snow: 0,
      daily_chance_of_snow: 0,
      condition: condition(words.text, words.code, words.icon),
      uv: 4.0,
    },
    astro: { sunrise: '06:12 AM', sunset: '08:41 PM', moonrise: '11:05 PM', moonset: '09:32 AM', moon_phase: 'Waning Gibbous', moon_illumination: 78, is_moon_up: 0, is_sun_up: 1 },
    hour: hours,
  };
}
