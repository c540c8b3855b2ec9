import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { weatherConfig } from '../../config/weather.config';
import { endpoint } from '../http/endpoint';
import { UpstreamError } from '../http/upstream-error';
import { UpstreamHttp } from '../http/upstream-http';
import type { UnitSystem } from './weather-report';

// Open-Meteo's geocoding (`/v1/search`) and forecast (`/v1/forecast`) APIs, field names as the
// API sends them. No key on the free hosts; a commercial plan's OPEN_METEO_API_KEY goes out as the
// `apikey` query parameter (to the customer-… hosts). Base URLs come from OPEN_METEO_GEOCODING_URL
// / OPEN_METEO_FORECAST_URL.

export interface GeocodingResult {
  id: number;
  name: string;
  latitude: number;
  longitude: number;
  elevation?: number;
  feature_code?: string;
  country_code?: string;
  country?: string;
  country_id?: number;
  admin1?: string;
  admin2?: string;
  admin3?: string;
  admin4?: string;
  timezone?: string;
  population?: number;
  postcodes?: string[];
}

export interface OpenMeteoForecast {
  latitude: number;
  longitude: number;
  timezone: string;
  utc_offset_seconds?: number;
  current_units?: Record<string, string>;
  current?: {
    time: string;
    interval?: number;
    temperature_2m: number;
    relative_humidity_2m: number;
    apparent_temperature: number;
    is_day?: number;
    precipitation: number;
    weather_code: number;
    wind_speed_10m: number;
    wind_direction_10m?: number;
    wind_gusts_10m?: number;
  };
  daily_units?: Record<string, string>;
  daily?: {
    time: string[];
    weather_code: number[];
    temperature_2m_max: number[];
    temperature_2m_min: number[];
    precipitation_sum: number[];
    precipitation_probability_max?: Array<number | null>;
    wind_speed_10m_max?: number[];
  };
}

export const CURRENT_FIELDS = [
  'temperature_2m',
  'relative_humidity_2m',
  'apparent_temperature',
  'is_day',
  'precipitation',
  'weather_code',
  'wind_speed_10m',
  'wind_direction_10m',
  'wind_gusts_10m',
];
export const DAILY_FIELDS = [
  'weather_code',
  'temperature_2m_max',
  'temperature_2m_min',
  'precipitation_sum',
  'precipitation_probability_max',
  'wind_speed_10m_max',
];

/** How many geocoding matches to look at (enough for "Springfield"). */
const GEOCODING_COUNT = 20;

export interface ForecastRequest {
  latitude: number;
  longitude: number;
  timezone?: string;
  units: UnitSystem;
  /** Days of daily data (1 for the current-weather tool, which adds today's high and low). */
  days: number;
  withCurrent: boolean;
}

@Injectable()
export class OpenMeteoClient {
  constructor(
    @Inject(weatherConfig.KEY) private readonly config: ConfigType<typeof weatherConfig>,
    private readonly http: UpstreamHttp,
  ) {}

  /** Places named `name` (in any language), most relevant first; empty when there is none. */
  async search(name: string, signal?: AbortSignal): Promise<GeocodingResult[]> {
    const url = endpoint(this.config.openMeteoGeocodingUrl, 'search', { name, count: GEOCODING_COUNT, language: 'en', format: 'json', ...this.key() });
    const { status, body } = await this.http.getJson('open_meteo', url, signal);
    if (status !== 200) throw new UpstreamError('open_meteo', 'status', status);
    const results = (body as { results?: unknown }).results;
    return Array.isArray(results) ? results.filter(isGeocodingResult) : [];
  }

  async forecast(request: ForecastRequest, signal?: AbortSignal): Promise<OpenMeteoForecast> {
    const imperial = request.units === 'imperial';
    const params: Record<string, string | number> = {
      latitude: request.latitude,
      longitude: request.longitude,
      timezone: request.timezone || 'auto',
      temperature_unit: imperial ? 'fahrenheit' : 'celsius',
      wind_speed_unit: imperial ? 'mph' : 'kmh',
      precipitation_unit: imperial ? 'inch' : 'mm',
      daily: DAILY_FIELDS.join(','),
      forecast_days: request.days,
    };
    if (request.withCurrent) params.current = CURRENT_FIELDS.join(',');
    Object.assign(params, this.key());
    const url = endpoint(this.config.openMeteoForecastUrl, 'forecast', params);
    const { status, body } = await this.http.getJson('open_meteo', url, signal);
    if (status !== 200 || !isForecast(body, request.withCurrent)) throw new UpstreamError('open_meteo', status !== 200 ? 'status' : 'invalid_json', status);
    return body;
  }

  private key(): Record<string, string> {
    return this.config.openMeteoApiKey ? { apikey: this.config.openMeteoApiKey } : {};
  }
}

function isGeocodingResult(value: unknown): value is GeocodingResult {
  const result = value as GeocodingResult;
  return (
    typeof result === 'object' &&
    result !== null &&
    typeof result.name === 'string' &&
    Number.isFinite(result.latitude) &&
    Number.isFinite(result.longitude)
  );
}

function isForecast(value: unknown, withCurrent: boolean): value is OpenMeteoForecast {
  const forecast = value as OpenMeteoForecast;
  if (typeof forecast !== 'object' || forecast === null) return false;
  if (!forecast.daily || !Array.isArray(forecast.daily.time)) return false;
  return !withCurrent || (typeof forecast.current === 'object' && forecast.current !== null);
}
