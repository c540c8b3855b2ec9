// WMO weather interpretation codes (WW) as Open-Meteo reports them in `weather_code`.
const WMO_WORDS: Record<number, string> = {
  0: 'Clear sky',
  1: 'Mainly clear',
  2: 'Partly cloudy',
  3: 'Overcast',
  45: 'Fog',
  48: 'Depositing rime fog',
  51: 'Light drizzle',
  53: 'Moderate drizzle',
  55: 'Dense drizzle',
  56: 'Light freezing drizzle',
  57: 'Dense freezing drizzle',
  61: 'Slight rain',
  63: 'Moderate rain',
  65: 'Heavy rain',
  66: 'Light freezing rain',
  67: 'Heavy freezing rain',
  71: 'Slight snowfall',
  73: 'Moderate snowfall',
  75: 'Heavy snowfall',
  77: 'Snow grains',
  80: 'Slight rain showers',
  81: 'Moderate rain showers',
  82: 'Violent rain showers',
  85: 'Slight snow showers',
  86: 'Heavy snow showers',
  95: 'Thunderstorm',
  96: 'Thunderstorm with slight hail',
  99: 'Thunderstorm with heavy hail',
};

export function wmoConditions(code: number | null | undefined): string {
  return (code !== null && code !== undefined && WMO_WORDS[code]) || 'Unknown conditions';
}

const COMPASS = ['N', 'NNE', 'NE', 'ENE', 'E', 'ESE', 'SE', 'SSE', 'S', 'SSW', 'SW', 'WSW', 'W', 'WNW', 'NW', 'NNW'];

/** Degrees (meteorological: where the wind comes from) → a 16-point compass direction. */
export function compassDirection(degrees: number | null | undefined): string | undefined {
  if (degrees === null || degrees === undefined || !Number.isFinite(degrees)) return undefined;
  return COMPASS[Math.round((((degrees % 360) + 360) % 360) / 22.5) % 16];
}
