import { Injectable } from '@nestjs/common';
import type { ToolCallContext } from '../../common/session-ports';
import { RegisteredTool, Tool, ToolLimit, ToolParameters, ToolResult } from '../tool';
import { FORECAST_DEFAULT_DAYS, FORECAST_MAX_DAYS, FORECAST_MIN_DAYS, WeatherForecastArgs } from './dto/weather-args.dto';
import { LOCATION_PARAMETER } from './location-parameter';
import { WeatherService } from './weather.service';

@RegisteredTool()
@Injectable()
export class WeatherForecastTool implements Tool<WeatherForecastArgs> {
  readonly name = 'get_weather_forecast';
  readonly description =
    'Daily weather forecast for a place, today first: conditions, high and low, precipitation and its chance, wind, in the units people use there (the result names them). The result names the place it found; if it says the place is ambiguous or unknown, ask the user which place they mean.';
  readonly parameters: ToolParameters = {
    type: 'object',
    properties: {
      location: LOCATION_PARAMETER,
      days: {
        type: 'integer',
        description: `How many days, today included (${FORECAST_MIN_DAYS}-${FORECAST_MAX_DAYS}, default ${FORECAST_DEFAULT_DAYS}).`,
        minimum: FORECAST_MIN_DAYS,
        maximum: FORECAST_MAX_DAYS,
        default: FORECAST_DEFAULT_DAYS,
      },
    },
    required: ['location'],
    additionalProperties: false,
  };
  readonly argsType = WeatherForecastArgs;
  /** RATE_LIMIT_WEATHER_API, shared by both weather tools. */
  readonly limit: ToolLimit = { tool: 'weather', spokenAs: 'weather' };

  constructor(private readonly weather: WeatherService) {}

  run(args: WeatherForecastArgs, context: ToolCallContext): Promise<ToolResult> {
    return this.weather.forecast(args.location, args.days, context);
  }
}
