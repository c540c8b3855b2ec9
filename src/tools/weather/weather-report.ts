// What the weather tools answer with: short JSON the model can speak from. Both sources
// (Open-Meteo, weatherapi.com) are shaped into these types, so the model sees one format.

export type UnitSystem = 'metric' | 'imperial';

export interface Units {
  system: UnitSystem;
  temperature: '°C' | '°F';
  windSpeed: 'km/h' | 'mph';
  precipitation: 'mm' | 'in';
}

/** The place the answer is for, so "Paris" vs "Paris, Texas" is visible to the model. */
export interface ResolvedPlace {
  name: string;
  /** State, province or region, when the source knows it. */
  region?: string;
  country: string;
  /** ISO 3166-1 alpha-2, when known (decides the units). */
  countryCode?: string;
}

export interface CurrentConditions {
  /** Local time of the observation, as the source gives it (e.g. 2026-05-01T14:15). */
  observedAt: string;
  conditions: string;
  temperature: number;
  feelsLike: number;
  humidityPercent: number;
  windSpeed: number;
  windGusts?: number;
  windDirection?: string;
  precipitation: number;
  isDay?: boolean;
}

export interface DayForecast {
  date: string;
  conditions: string;
  high: number;
  low: number;
  precipitation: number;
  precipitationChancePercent?: number;
  maxWind?: number;
}

export interface CurrentWeatherReport {
  place: ResolvedPlace;
  units: Units;
  current: CurrentConditions;
  today?: DayForecast;
}

export interface ForecastReport {
  place: ResolvedPlace;
  units: Units;
  days: DayForecast[];
  /** Set when fewer days are given than were asked for, saying why (for the model to tell the user). */
  note?: string;
}

/** A look-up either finds the place, finds none, or finds several and will not guess. */
export type Lookup<Report> =
  | { kind: 'found'; report: Report }
  | { kind: 'not_found' }
  | { kind: 'ambiguous'; candidates: string[] };

/** One weather backend (Open-Meteo or weatherapi.com), already shaped into reports. */
export interface WeatherSource {
  readonly name: 'open-meteo' | 'weatherapi';
  current(location: string, signal?: AbortSignal): Promise<Lookup<CurrentWeatherReport>>;
  forecast(location: string, days: number, signal?: AbortSignal): Promise<Lookup<ForecastReport>>;
}

export const WEATHER_SOURCE = Symbol('WEATHER_SOURCE');

/** "Paris, Île-de-France, France" */
export function placeLabel(place: ResolvedPlace): string {
  return [place.name, place.region, place.country].filter((part, index, all) => part && all.indexOf(part) === index).join(', ');
}
