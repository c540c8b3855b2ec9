import { Injectable } from '@nestjs/common';
import { imperialCodeOfCountryName, unitsFor } from './units';
import { WeatherApiClient, WeatherApiForecastDay, WeatherApiLocation } from './weatherapi.client';
import type { CurrentWeatherReport, DayForecast, ForecastReport, Lookup, ResolvedPlace, Units, WeatherSource } from './weather-report';

/**
 * weatherapi.com (with WEATHER_API_KEY). It resolves the place itself ("Union City, NJ" works as
 * is) and answers with one location, shown in the result; it gives both metric and imperial
 * fields, so the units are picked from the country it resolved.
 */
@Injectable()
export class WeatherApiSource implements WeatherSource {
  readonly name = 'weatherapi' as const;

  constructor(private readonly client: WeatherApiClient) {}

  async current(location: string, signal?: AbortSignal): Promise<Lookup<CurrentWeatherReport>> {
    const body = await this.client.current(location, signal);
    if (!body) return { kind: 'not_found' };
    const place = resolvedPlace(body.location);
    const units = unitsFor(place.countryCode);
    const imperial = units.system === 'imperial';
    const current = body.current;
    return {
      kind: 'found',
      report: {
        place,
        units,
        current: {
          observedAt: current.last_updated,
          conditions: current.condition.text.trim(),
          temperature: imperial ? current.temp_f : current.temp_c,
          feelsLike: imperial ? current.feelslike_f : current.feelslike_c,
          humidityPercent: current.humidity,
          windSpeed: imperial ? current.wind_mph : current.wind_kph,
          windGusts: imperial ? current.gust_mph : current.gust_kph,
          windDirection: current.wind_dir,
          precipitation: imperial ? current.precip_in : current.precip_mm,
          isDay: current.is_day === undefined ? undefined : current.is_day === 1,
        },
      },
    };
  }

  async forecast(location: string, days: number, signal?: AbortSignal): Promise<Lookup<ForecastReport>> {
    const body = await this.client.forecast(location, days, signal);
    if (!body) return { kind: 'not_found' };
    const place = resolvedPlace(body.location);
    const units = unitsFor(place.countryCode);
    return { kind: 'found', report: { place, units, days: body.forecast.forecastday.slice(0, days).map((day) => dayForecast(day, units)) } };
  }
}

function resolvedPlace(location: WeatherApiLocation): ResolvedPlace {
  return {
    name: location.name,
    region: location.region && location.region !== location.name ? location.region : undefined,
    country: location.country,
    countryCode: imperialCodeOfCountryName(location.country),
  };
}

function dayForecast(forecastDay: WeatherApiForecastDay, units: Units): DayForecast {
  const day = forecastDay.day;
  const imperial = units.system === 'imperial';
  return {
    date: forecastDay.date,
    conditions: day.condition.text.trim(),
    high: imperial ? day.maxtemp_f : day.maxtemp_c,
    low: imperial ? day.mintemp_f : day.mintemp_c,
    precipitation: imperial ? day.totalprecip_in : day.totalprecip_mm,
    precipitationChancePercent: Math.max(day.daily_chance_of_rain ?? 0, day.daily_chance_of_snow ?? 0),
    maxWind: imperial ? day.maxwind_mph : day.maxwind_kph,
  };
}
