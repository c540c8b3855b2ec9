import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsPlaceName } from '../../validation/text-rules.decorators';

export class CurrentWeatherArgs {
  @IsPlaceName()
  location!: string;
}

export const FORECAST_MIN_DAYS = 1;
export const FORECAST_MAX_DAYS = 7;
export const FORECAST_DEFAULT_DAYS = 3;

export class WeatherForecastArgs {
  @IsPlaceName()
  location!: string;

  @IsOptional()
  @IsInt({ message: 'must be a whole number of days' })
  @Min(FORECAST_MIN_DAYS, { message: `must be ${FORECAST_MIN_DAYS} to ${FORECAST_MAX_DAYS}` })
  @Max(FORECAST_MAX_DAYS, { message: `must be ${FORECAST_MIN_DAYS} to ${FORECAST_MAX_DAYS}` })
  days: number = FORECAST_DEFAULT_DAYS;
}
