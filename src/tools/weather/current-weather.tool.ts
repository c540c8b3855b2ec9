import { Injectable } from '@nestjs/common';
import type { ToolCallContext } from '../../common/session-ports';
import { RegisteredTool, Tool, ToolLimit, ToolParameters, ToolResult } from '../tool';
import { CurrentWeatherArgs } from './dto/weather-args.dto';
import { LOCATION_PARAMETER } from './location-parameter';
import { WeatherService } from './weather.service';

@RegisteredTool()
@Injectable()
export class CurrentWeatherTool implements Tool<CurrentWeatherArgs> {
  readonly name = 'get_current_weather';
  readonly description =
    'Current weather at a place: conditions, temperature, feels-like, humidity, wind and precipitation, in the units people use there (the result names them). The result names the place it found; if it says the place is ambiguous or unknown, ask the user which place they mean.';
  readonly parameters: ToolParameters = {
    type: 'object',
    properties: { location: LOCATION_PARAMETER },
    required: ['location'],
    additionalProperties: false,
  };
  readonly argsType = CurrentWeatherArgs;
  /** RATE_LIMIT_WEATHER_API, shared by both weather tools. */
  readonly limit: ToolLimit = { tool: 'weather', spokenAs: 'weather' };

  constructor(private readonly weather: WeatherService) {}

  run(args: CurrentWeatherArgs, context: ToolCallContext): Promise<ToolResult> {
    return this.weather.current(args.location, context);
  }
}
