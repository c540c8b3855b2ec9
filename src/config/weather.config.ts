import { registerAs } from '@nestjs/config';
import { parseBaseUrl } from './env-parsers';
import { readEnv, readParsed } from './read-env';

export const weatherConfig = registerAs('weather', () => ({
  /** Set → weatherapi.com; unset → Open-Meteo (no key). */
  weatherApiKey: readEnv('WEATHER_API_KEY'),
  openMeteoGeocodingUrl: readParsed('OPEN_METEO_GEOCODING_URL', parseBaseUrl, 'https://geocoding-api.open-meteo.com/v1'),
  openMeteoForecastUrl: readParsed('OPEN_METEO_FORECAST_URL', parseBaseUrl, 'https://api.open-meteo.com/v1'),
  weatherApiBaseUrl: readParsed('WEATHERAPI_BASE_URL', parseBaseUrl, 'https://api.weatherapi.com/v1'),
}));
