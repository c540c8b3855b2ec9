import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { weatherConfig } from '../../config/weather.config';
import { endpoint } from '../http/endpoint';
import { UpstreamError } from '../http/upstream-error';
import { UpstreamHttp } from '../http/upstream-http';

// weatherapi.com's `/v1/current.json` and `/v1/forecast.json`, field names as the API sends them.
// Used when WEATHER_API_KEY is set; base URL from WEATHERAPI_BASE_URL.

export interface WeatherApiLocation {
  name: string;
  region: string;
  country: string;
  lat: number;
  lon: number;
  tz_id?: string;
  localtime?: string;
}

export interface WeatherApiCondition {
  text: string;
  icon?: string;
  code: number;
}

export interface WeatherApiCurrent {
  last_updated: string;
  temp_c: number;
  temp_f: number;
  is_day?: number;
  condition: WeatherApiCondition;
  wind_mph: number;
  wind_kph: number;
  wind_dir?: string;
  precip_mm: number;
  precip_in: number;
  humidity: number;
  feelslike_c: number;
  feelslike_f: number;
  gust_mph?: number;
  gust_kph?: number;
}

export interface WeatherApiForecastDay {
  date: string;
  day: {
    maxtemp_c: number;
    maxtemp_f: number;
    mintemp_c: number;
    mintemp_f: number;
    maxwind_mph: number;
    maxwind_kph: number;
    totalprecip_mm: number;
    totalprecip_in: number;
    daily_chance_of_rain?: number;
    daily_chance_of_snow?: number;
    condition: WeatherApiCondition;
  };
}

export interface WeatherApiCurrentResponse {
  location: WeatherApiLocation;
  current: WeatherApiCurrent;
}

export interface WeatherApiForecastResponse extends WeatherApiCurrentResponse {
  forecast: { forecastday: WeatherApiForecastDay[] };
}

/** weatherapi.com's "No matching location found." (HTTP 400). */
const NO_LOCATION_FOUND = 1006;

@Injectable()
export class WeatherApiClient {
  constructor(
    @Inject(weatherConfig.KEY) private readonly config: ConfigType<typeof weatherConfig>,
    private readonly http: UpstreamHttp,
  ) {}

  /** Current conditions for `q`, or undefined when weatherapi.com knows no such place. */
  async current(q: string, signal?: AbortSignal): Promise<WeatherApiCurrentResponse | undefined> {
    return this.get<WeatherApiCurrentResponse>('current.json', { q, aqi: 'no' }, signal);
  }

  /** `days` days of forecast for `q` (hours trimmed to noon), or undefined for an unknown place. */
  async forecast(q: string, days: number, signal?: AbortSignal): Promise<WeatherApiForecastResponse | undefined> {
    const body = await this.get<WeatherApiForecastResponse>('forecast.json', { q, days, aqi: 'no', alerts: 'no', hour: 12 }, signal);
    if (body && !Array.isArray(body.forecast?.forecastday)) throw new UpstreamError('weatherapi', 'invalid_json', 200);
    return body;
  }

  private async get<T extends WeatherApiCurrentResponse>(path: string, params: Record<string, string | number>, signal?: AbortSignal): Promise<T | undefined> {
    const url = endpoint(this.config.weatherApiBaseUrl, path, { key: this.config.weatherApiKey ?? '', ...params });
    const { status, body } = await this.http.getJson('weatherapi', url, signal);
    if (status === 400 && (body as { error?: { code?: number } })?.error?.code === NO_LOCATION_FOUND) return undefined;
    if (status !== 200) throw new UpstreamError('weatherapi', 'status', status);
    const response = body as T;
    if (typeof response?.location?.name !== 'string' || typeof response.current !== 'object' || response.current === null) {
      throw new UpstreamError('weatherapi', 'invalid_json', status);
    }
    return response;
  }
}
