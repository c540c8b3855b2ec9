import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { weatherConfig } from '../../config/weather.config';
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

  constructor(
    private readonly client: WeatherApiClient,
    @Inject(weatherConfig.KEY) private readonly config: Pick<ConfigType<typeof weatherConfig>, 'weatherApiMaxForecastDays'>,
  ) {}

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

  /**
   * Never asks for more days than the plan serves (WEATHERAPI_MAX_FORECAST_DAYS; the free plan
   * serves 3 and silently answers 3 to a request for 7), and says so when the user asked for more.
   */
  async forecast(location: string, days: number, signal?: AbortSignal): Promise<Lookup<ForecastReport>> {
    const asked = Math.min(days, this.config.weatherApiMaxForecastDays);
    const body = await this.client.forecast(location, asked, signal);
    if (!body) return { kind: 'not_found' };
    const place = resolvedPlace(body.location);
    const units = unitsFor(place.countryCode);
    const forecast = body.forecast.forecastday.slice(0, asked).map((day) => dayForecast(day, units));
    const report: ForecastReport = { place, units, days: forecast };
    if (forecast.length < days) {
      report.note = `The weather service here gives only ${forecast.length} ${forecast.length === 1 ? 'day' : 'days'} of forecast, so this covers ${forecast.length} of the ${days} days asked for.`;
    }
    return { kind: 'found', report };
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
