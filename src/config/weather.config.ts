import { registerAs } from '@nestjs/config';
import { parseBaseUrl, parseInteger } from './env-parsers';
import { readEnv, readParsed } from './read-env';

/** Open-Meteo's hosts: the free ones, and the customer ones a commercial key (OPEN_METEO_API_KEY) is served on. */
export const OPEN_METEO_HOSTS = {
  free: { geocoding: 'https://geocoding-api.open-meteo.com/v1', forecast: 'https://api.open-meteo.com/v1' },
  customer: { geocoding: 'https://customer-geocoding-api.open-meteo.com/v1', forecast: 'https://customer-api.open-meteo.com/v1' },
} as const;

export const weatherConfig = registerAs('weather', () => {
  const openMeteoApiKey = readEnv('OPEN_METEO_API_KEY');
  const hosts = openMeteoApiKey ? OPEN_METEO_HOSTS.customer : OPEN_METEO_HOSTS.free;
  return {
    /** Set → weatherapi.com; unset → Open-Meteo. */
    weatherApiKey: readEnv('WEATHER_API_KEY'),
    /** Open-Meteo commercial plan key, sent as the `apikey` query parameter. */
    openMeteoApiKey,
    openMeteoGeocodingUrl: readParsed('OPEN_METEO_GEOCODING_URL', parseBaseUrl, hosts.geocoding),
    openMeteoForecastUrl: readParsed('OPEN_METEO_FORECAST_URL', parseBaseUrl, hosts.forecast),
    weatherApiBaseUrl: readParsed('WEATHERAPI_BASE_URL', parseBaseUrl, 'https://api.weatherapi.com/v1'),
    /** weatherapi.com is never asked for more days than the plan serves (free plan: 3). */
    weatherApiMaxForecastDays: readParsed('WEATHERAPI_MAX_FORECAST_DAYS', (t) => parseInteger(t, 1, 14), '3'),
  };
});
