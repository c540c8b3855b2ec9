import { Injectable } from '@nestjs/common';
import { GeocodingResult, OpenMeteoClient, OpenMeteoForecast } from './open-meteo.client';
import { choosePlace, parsePlaceQuery } from './place-matching';
import { unitsFor } from './units';
import type { CurrentWeatherReport, DayForecast, ForecastReport, Lookup, ResolvedPlace, WeatherSource } from './weather-report';
import { placeLabel } from './weather-report';
import { compassDirection, wmoConditions } from './wmo-codes';

/** Open-Meteo (the default, no key): geocode the place, then ask for its forecast in its units. */
@Injectable()
export class OpenMeteoSource implements WeatherSource {
  readonly name = 'open-meteo' as const;

  constructor(private readonly client: OpenMeteoClient) {}

  async current(location: string, signal?: AbortSignal): Promise<Lookup<CurrentWeatherReport>> {
    const found = await this.resolve(location, signal);
    if (found.kind !== 'found') return found;
    const place = found.report;
    const units = unitsFor(place.country_code);
    const forecast = await this.client.forecast(
      { latitude: place.latitude, longitude: place.longitude, timezone: place.timezone, units: units.system, days: 1, withCurrent: true },
      signal,
    );
    const current = forecast.current!;
    return {
      kind: 'found',
      report: {
        place: resolvedPlace(place),
        units,
        current: {
          observedAt: current.time,
          conditions: wmoConditions(current.weather_code),
          temperature: current.temperature_2m,
          feelsLike: current.apparent_temperature,
          humidityPercent: current.relative_humidity_2m,
          windSpeed: current.wind_speed_10m,
          windGusts: current.wind_gusts_10m,
          windDirection: compassDirection(current.wind_direction_10m),
          precipitation: current.precipitation,
          isDay: current.is_day === undefined ? undefined : current.is_day === 1,
        },
        today: dailyForecasts(forecast)[0],
      },
    };
  }

  async forecast(location: string, days: number, signal?: AbortSignal): Promise<Lookup<ForecastReport>> {
    const found = await this.resolve(location, signal);
    if (found.kind !== 'found') return found;
    const place = found.report;
    const units = unitsFor(place.country_code);
    const forecast = await this.client.forecast(
      { latitude: place.latitude, longitude: place.longitude, timezone: place.timezone, units: units.system, days, withCurrent: false },
      signal,
    );
    return { kind: 'found', report: { place: resolvedPlace(place), units, days: dailyForecasts(forecast).slice(0, days) } };
  }

  private async resolve(location: string, signal?: AbortSignal): Promise<Lookup<GeocodingResult>> {
    const query = parsePlaceQuery(location);
    const choice = choosePlace(query, await this.client.search(query.name, signal));
    if (choice.kind === 'found') return { kind: 'found', report: choice.place };
    if (choice.kind === 'ambiguous') return { kind: 'ambiguous', candidates: choice.candidates.map((candidate) => placeLabel(resolvedPlace(candidate))) };
    return choice;
  }
}

function resolvedPlace(result: GeocodingResult): ResolvedPlace {
  return {
    name: result.name,
    region: result.admin1 && result.admin1 !== result.name ? result.admin1 : undefined,
    country: result.country ?? result.country_code ?? 'unknown country',
    countryCode: result.country_code,
  };
}

function dailyForecasts(forecast: OpenMeteoForecast): DayForecast[] {
  const daily = forecast.daily!;
  return daily.time.map((date, index) => ({
    date,
    conditions: wmoConditions(daily.weather_code[index]),
    high: daily.temperature_2m_max[index],
    low: daily.temperature_2m_min[index],
    precipitation: daily.precipitation_sum[index],
    precipitationChancePercent: daily.precipitation_probability_max?.[index] ?? undefined,
    maxWind: daily.wind_speed_10m_max?.[index],
  }));
}
