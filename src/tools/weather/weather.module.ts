import { Logger, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { weatherConfig } from '../../config/weather.config';
import { UpstreamHttp } from '../http/upstream-http';
import { ToolMetricsModule } from '../tool-metrics';
import { CurrentWeatherTool } from './current-weather.tool';
import { OpenMeteoClient } from './open-meteo.client';
import { OpenMeteoSource } from './open-meteo.source';
import { WeatherForecastTool } from './weather-forecast.tool';
import { WEATHER_SOURCE, WeatherSource } from './weather-report';
import { WeatherService } from './weather.service';
import { WeatherApiClient } from './weatherapi.client';
import { WeatherApiSource } from './weatherapi.source';

/** WEATHER_API_KEY set → weatherapi.com; unset → Open-Meteo (no key). Chosen once, at boot. */
function chooseWeatherSource(config: ConfigType<typeof weatherConfig>, openMeteo: OpenMeteoSource, weatherApi: WeatherApiSource): WeatherSource {
  const source = config.weatherApiKey ? weatherApi : openMeteo;
  new Logger('WeatherModule').log(`Weather tools use ${source.name === 'weatherapi' ? 'weatherapi.com' : 'Open-Meteo'}`);
  return source;
}

/** The two weather tools: get_current_weather and get_weather_forecast. */
@Module({
  imports: [ToolMetricsModule],
  providers: [
    UpstreamHttp,
    OpenMeteoClient,
    WeatherApiClient,
    OpenMeteoSource,
    WeatherApiSource,
    { provide: WEATHER_SOURCE, inject: [weatherConfig.KEY, OpenMeteoSource, WeatherApiSource], useFactory: chooseWeatherSource },
    WeatherService,
    CurrentWeatherTool,
    WeatherForecastTool,
  ],
})
export class WeatherModule {}
