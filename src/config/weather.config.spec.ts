import { weatherConfig } from './weather.config';

function configWith(env: Record<string, string>) {
  const saved = { ...process.env };
  for (const key of ['OPEN_METEO_API_KEY', 'OPEN_METEO_GEOCODING_URL', 'OPEN_METEO_FORECAST_URL', 'WEATHERAPI_MAX_FORECAST_DAYS']) delete process.env[key];
  Object.assign(process.env, env);
  try {
    return weatherConfig();
  } finally {
    process.env = saved;
  }
}

describe('weather configuration', () => {
  it('uses the free Open-Meteo hosts without a key, the customer hosts with one', () => {
    expect(configWith({})).toMatchObject({
      openMeteoApiKey: undefined,
      openMeteoGeocodingUrl: 'https://geocoding-api.open-meteo.com/v1',
      openMeteoForecastUrl: 'https://api.open-meteo.com/v1',
    });
    expect(configWith({ OPEN_METEO_API_KEY: 'k' })).toMatchObject({
      openMeteoApiKey: 'k',
      openMeteoGeocodingUrl: 'https://customer-geocoding-api.open-meteo.com/v1',
      openMeteoForecastUrl: 'https://customer-api.open-meteo.com/v1',
    });
    // Explicit base URLs win (a proxy, or the customer hosts spelled out).
    expect(configWith({ OPEN_METEO_API_KEY: 'k', OPEN_METEO_FORECAST_URL: 'https://customer-api.open-meteo.com/v1/' }).openMeteoForecastUrl).toBe('https://customer-api.open-meteo.com/v1');
  });

  it('asks weatherapi.com for at most 3 forecast days unless the plan serves more', () => {
    expect(configWith({}).weatherApiMaxForecastDays).toBe(3);
    expect(configWith({ WEATHERAPI_MAX_FORECAST_DAYS: '14' }).weatherApiMaxForecastDays).toBe(14);
  });
});
