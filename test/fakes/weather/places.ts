// A small gazetteer shared by the fake weather APIs: GeoNames records as Open-Meteo's geocoding
// API returns them (real ids, coordinates, populations), plus what weatherapi.com calls the same
// place, and a made-up but plausible weather for each (in metric; the fakes convert).

export interface FakePlace {
  geocoding: {
    id: number;
    name: string;
    latitude: number;
    longitude: number;
    elevation: number;
    feature_code: string;
    country_code: string;
    admin1_id?: number;
    admin2_id?: number;
    timezone: string;
    population?: number;
    postcodes?: string[];
    country_id: number;
    country: string;
    admin1?: string;
    admin2?: string;
  };
  /** Other names the geocoder matches (translations, spellings without the apostrophe). */
  alternateNames: string[];
  weatherapi: { name: string; region: string; country: string; tz_id: string };
  /** UTC offset of the time zone in seconds, and its abbreviation. */
  utcOffsetSeconds: number;
  timezoneAbbreviation: string;
  weather: { temperatureC: number; feelsLikeC: number; humidity: number; windKmh: number; gustsKmh: number; windDegrees: number; wmoCode: number; weatherApiCode: number; weatherApiText: string; precipitationMm: number; isDay: 0 | 1 };
}

const place = (value: FakePlace) => value;

export const PLACES: FakePlace[] = [
  place({
    geocoding: { id: 2988507, name: 'Paris', latitude: 48.85341, longitude: 2.3488, elevation: 42, feature_code: 'PPLC', country_code: 'FR', admin1_id: 3012874, admin2_id: 2968815, timezone: 'Europe/Paris', population: 2138551, postcodes: ['75001', '75020', '75002', '75003'], country_id: 3017382, country: 'France', admin1: 'Île-de-France', admin2: 'Paris' },
    alternateNames: ['Parigi', 'パリ'],
    weatherapi: { name: 'Paris', region: 'Ile-de-France', country: 'France', tz_id: 'Europe/Paris' },
    utcOffsetSeconds: 7200,
    timezoneAbbreviation: 'GMT+2',
    weather: { temperatureC: 17.3, feelsLikeC: 16.1, humidity: 62, windKmh: 11.2, gustsKmh: 24.5, windDegrees: 225, wmoCode: 2, weatherApiCode: 1003, weatherApiText: 'Partly cloudy', precipitationMm: 0, isDay: 1 },
  }),
  place({
    geocoding: { id: 4717560, name: 'Paris', latitude: 33.66094, longitude: -95.55551, elevation: 183, feature_code: 'PPLA2', country_code: 'US', admin1_id: 4736286, admin2_id: 4705086, timezone: 'America/Chicago', population: 24782, postcodes: ['75460', '75461', '75462'], country_id: 6252001, country: 'United States', admin1: 'Texas', admin2: 'Lamar' },
    alternateNames: [],
    weatherapi: { name: 'Paris', region: 'Texas', country: 'United States of America', tz_id: 'America/Chicago' },
    utcOffsetSeconds: -18000,
    timezoneAbbreviation: 'GMT-5',
    weather: { temperatureC: 29.1, feelsLikeC: 31.4, humidity: 58, windKmh: 16.1, gustsKmh: 30.2, windDegrees: 180, wmoCode: 1, weatherApiCode: 1000, weatherApiText: 'Sunny', precipitationMm: 0, isDay: 1 },
  }),
  place({
    geocoding: { id: 4646571, name: 'Paris', latitude: 36.302, longitude: -88.32671, elevation: 157, feature_code: 'PPLA2', country_code: 'US', admin1_id: 4662168, admin2_id: 4628735, timezone: 'America/Chicago', population: 10156, postcodes: ['38242'], country_id: 6252001, country: 'United States', admin1: 'Tennessee', admin2: 'Henry' },
    alternateNames: [],
    weatherapi: { name: 'Paris', region: 'Tennessee', country: 'United States of America', tz_id: 'America/Chicago' },
    utcOffsetSeconds: -18000,
    timezoneAbbreviation: 'GMT-5',
    weather: { temperatureC: 26.4, feelsLikeC: 27.9, humidity: 71, windKmh: 9.7, gustsKmh: 19.3, windDegrees: 200, wmoCode: 3, weatherApiCode: 1009, weatherApiText: 'Overcast', precipitationMm: 0, isDay: 1 },
  }),
  place({
    geocoding: { id: 2643743, name: 'London', latitude: 51.50853, longitude: -0.12574, elevation: 25, feature_code: 'PPLC', country_code: 'GB', admin1_id: 6269131, admin2_id: 2648110, timezone: 'Europe/London', population: 8961989, country_id: 2635167, country: 'United Kingdom', admin1: 'England', admin2: 'Greater London' },
    alternateNames: ['Londres', 'ロンドン'],
    weatherapi: { name: 'London', region: 'City of London, Greater London', country: 'United Kingdom', tz_id: 'Europe/London' },
    utcOffsetSeconds: 3600,
    timezoneAbbreviation: 'GMT+1',
    weather: { temperatureC: 11.2, feelsLikeC: 9.3, humidity: 94, windKmh: 16.2, gustsKmh: 28.1, windDegrees: 225, wmoCode: 61, weatherApiCode: 1183, weatherApiText: 'Light rain', precipitationMm: 0.4, isDay: 1 },
  }),
  place({
    geocoding: { id: 6058560, name: 'London', latitude: 42.98339, longitude: -81.23304, elevation: 251, feature_code: 'PPL', country_code: 'CA', admin1_id: 6093943, timezone: 'America/Toronto', population: 383822, country_id: 6251999, country: 'Canada', admin1: 'Ontario', admin2: 'Middlesex County' },
    alternateNames: [],
    weatherapi: { name: 'London', region: 'Ontario', country: 'Canada', tz_id: 'America/Toronto' },
    utcOffsetSeconds: -14400,
    timezoneAbbreviation: 'GMT-4',
    weather: { temperatureC: 14.8, feelsLikeC: 13.2, humidity: 66, windKmh: 19.4, gustsKmh: 33.8, windDegrees: 290, wmoCode: 3, weatherApiCode: 1009, weatherApiText: 'Overcast', precipitationMm: 0, isDay: 1 },
  }),
  place({
    geocoding: { id: 4409896, name: 'Springfield', latitude: 37.21533, longitude: -93.29824, elevation: 396, feature_code: 'PPLA2', country_code: 'US', admin1_id: 4398678, admin2_id: 4395626, timezone: 'America/Chicago', population: 169176, country_id: 6252001, country: 'United States', admin1: 'Missouri', admin2: 'Greene' },
    alternateNames: [],
    weatherapi: { name: 'Springfield', region: 'Missouri', country: 'United States of America', tz_id: 'America/Chicago' },
    utcOffsetSeconds: -18000,
    timezoneAbbreviation: 'GMT-5',
    weather: { temperatureC: 24.0, feelsLikeC: 24.6, humidity: 60, windKmh: 14.5, gustsKmh: 27.0, windDegrees: 170, wmoCode: 80, weatherApiCode: 1240, weatherApiText: 'Light rain shower', precipitationMm: 0.8, isDay: 1 },
  }),
  place({
    geocoding: { id: 4951788, name: 'Springfield', latitude: 42.10148, longitude: -72.58981, elevation: 21, feature_code: 'PPLA2', country_code: 'US', admin1_id: 6254926, admin2_id: 4938757, timezone: 'America/New_York', population: 155929, country_id: 6252001, country: 'United States', admin1: 'Massachusetts', admin2: 'Hampden' },
    alternateNames: [],
    weatherapi: { name: 'Springfield', region: 'Massachusetts', country: 'United States of America', tz_id: 'America/New_York' },
    utcOffsetSeconds: -14400,
    timezoneAbbreviation: 'GMT-4',
    weather: { temperatureC: 19.5, feelsLikeC: 19.5, humidity: 55, windKmh: 8.0, gustsKmh: 16.1, windDegrees: 315, wmoCode: 0, weatherApiCode: 1000, weatherApiText: 'Sunny', precipitationMm: 0, isDay: 1 },
  }),
  place({
    geocoding: { id: 4250542, name: 'Springfield', latitude: 39.80172, longitude: -89.64371, elevation: 183, feature_code: 'PPLA', country_code: 'US', admin1_id: 4896861, admin2_id: 4250734, timezone: 'America/Chicago', population: 114394, country_id: 6252001, country: 'United States', admin1: 'Illinois', admin2: 'Sangamon' },
    alternateNames: [],
    weatherapi: { name: 'Springfield', region: 'Illinois', country: 'United States of America', tz_id: 'America/Chicago' },
    utcOffsetSeconds: -18000,
    timezoneAbbreviation: 'GMT-5',
    weather: { temperatureC: 22.7, feelsLikeC: 22.9, humidity: 64, windKmh: 20.9, gustsKmh: 38.6, windDegrees: 200, wmoCode: 2, weatherApiCode: 1003, weatherApiText: 'Partly cloudy', precipitationMm: 0, isDay: 1 },
  }),
  place({
    geocoding: { id: 3172522, name: "L'Aquila", latitude: 42.35055, longitude: 13.39954, elevation: 714, feature_code: 'PPLA', country_code: 'IT', admin1_id: 3183560, admin2_id: 3172526, timezone: 'Europe/Rome', population: 68503, country_id: 3175395, country: 'Italy', admin1: 'Abruzzo', admin2: "Provincia dell'Aquila" },
    alternateNames: ['LAquila', "L'Aquila", 'Aquila'],
    weatherapi: { name: "L'aquila", region: 'Abruzzi', country: 'Italy', tz_id: 'Europe/Rome' },
    utcOffsetSeconds: 7200,
    timezoneAbbreviation: 'GMT+2',
    weather: { temperatureC: 13.9, feelsLikeC: 12.6, humidity: 48, windKmh: 6.8, gustsKmh: 15.1, windDegrees: 45, wmoCode: 1, weatherApiCode: 1000, weatherApiText: 'Sunny', precipitationMm: 0, isDay: 1 },
  }),
  place({
    geocoding: { id: 3448439, name: 'São Paulo', latitude: -23.5475, longitude: -46.63611, elevation: 769, feature_code: 'PPLA', country_code: 'BR', admin1_id: 3448433, admin2_id: 3448439, timezone: 'America/Sao_Paulo', population: 10021295, country_id: 3469034, country: 'Brazil', admin1: 'São Paulo', admin2: 'São Paulo' },
    alternateNames: ['Sao Paulo', 'サンパウロ'],
    weatherapi: { name: 'Sao Paulo', region: 'Sao Paulo', country: 'Brazil', tz_id: 'America/Sao_Paulo' },
    utcOffsetSeconds: -10800,
    timezoneAbbreviation: 'GMT-3',
    weather: { temperatureC: 21.6, feelsLikeC: 21.6, humidity: 77, windKmh: 7.6, gustsKmh: 14.4, windDegrees: 135, wmoCode: 51, weatherApiCode: 1153, weatherApiText: 'Light drizzle', precipitationMm: 0.2, isDay: 1 },
  }),
  place({
    geocoding: { id: 5105127, name: 'Union City', latitude: 40.77955, longitude: -74.02375, elevation: 56, feature_code: 'PPL', country_code: 'US', admin1_id: 5101760, admin2_id: 5099133, timezone: 'America/New_York', population: 68589, postcodes: ['07087'], country_id: 6252001, country: 'United States', admin1: 'New Jersey', admin2: 'Hudson' },
    alternateNames: [],
    weatherapi: { name: 'Union City', region: 'New Jersey', country: 'United States of America', tz_id: 'America/New_York' },
    utcOffsetSeconds: -14400,
    timezoneAbbreviation: 'GMT-4',
    weather: { temperatureC: 21.1, feelsLikeC: 21.1, humidity: 52, windKmh: 12.9, gustsKmh: 22.5, windDegrees: 250, wmoCode: 0, weatherApiCode: 1000, weatherApiText: 'Sunny', precipitationMm: 0, isDay: 1 },
  }),
  place({
    geocoding: { id: 5404024, name: 'Union City', latitude: 37.59577, longitude: -122.01913, elevation: 23, feature_code: 'PPL', country_code: 'US', admin1_id: 5332921, admin2_id: 5322745, timezone: 'America/Los_Angeles', population: 74916, postcodes: ['94587'], country_id: 6252001, country: 'United States', admin1: 'California', admin2: 'Alameda' },
    alternateNames: [],
    weatherapi: { name: 'Union City', region: 'California', country: 'United States of America', tz_id: 'America/Los_Angeles' },
    utcOffsetSeconds: -25200,
    timezoneAbbreviation: 'GMT-7',
    weather: { temperatureC: 18.3, feelsLikeC: 18.3, humidity: 68, windKmh: 17.7, gustsKmh: 29.0, windDegrees: 290, wmoCode: 45, weatherApiCode: 1135, weatherApiText: 'Fog', precipitationMm: 0, isDay: 1 },
  }),
  place({
    geocoding: { id: 2980291, name: 'Saint-Étienne', latitude: 45.43389, longitude: 4.39, elevation: 516, feature_code: 'PPLA2', country_code: 'FR', admin1_id: 11071625, admin2_id: 2997870, timezone: 'Europe/Paris', population: 171057, postcodes: ['42000'], country_id: 3017382, country: 'France', admin1: 'Auvergne-Rhône-Alpes', admin2: 'Loire' },
    alternateNames: ['Saint-Etienne', 'St-Étienne'],
    weatherapi: { name: 'Saint-Etienne', region: 'Rhone-Alpes', country: 'France', tz_id: 'Europe/Paris' },
    utcOffsetSeconds: 7200,
    timezoneAbbreviation: 'GMT+2',
    weather: { temperatureC: 15.2, feelsLikeC: 14.0, humidity: 59, windKmh: 10.4, gustsKmh: 21.6, windDegrees: 180, wmoCode: 3, weatherApiCode: 1009, weatherApiText: 'Overcast', precipitationMm: 0, isDay: 1 },
  }),
  place({
    geocoding: { id: 1790630, name: "Xi'an", latitude: 34.25833, longitude: 108.92861, elevation: 397, feature_code: 'PPLA', country_code: 'CN', admin1_id: 1796480, timezone: 'Asia/Shanghai', population: 12952907, country_id: 1814991, country: 'China', admin1: 'Shaanxi' },
    alternateNames: ['Xian', '西安'],
    weatherapi: { name: "Xi'an", region: 'Shaanxi', country: 'China', tz_id: 'Asia/Shanghai' },
    utcOffsetSeconds: 28800,
    timezoneAbbreviation: 'GMT+8',
    weather: { temperatureC: 23.8, feelsLikeC: 24.0, humidity: 45, windKmh: 5.4, gustsKmh: 11.2, windDegrees: 90, wmoCode: 2, weatherApiCode: 1003, weatherApiText: 'Partly cloudy', precipitationMm: 0, isDay: 1 },
  }),
  place({
    geocoding: { id: 1850147, name: 'Tokyo', latitude: 35.6895, longitude: 139.69171, elevation: 44, feature_code: 'PPLC', country_code: 'JP', admin1_id: 1850144, timezone: 'Asia/Tokyo', population: 9733276, country_id: 1861060, country: 'Japan', admin1: 'Tokyo' },
    alternateNames: ['東京', 'Tōkyō', 'Tokio'],
    weatherapi: { name: 'Tokyo', region: 'Tokyo', country: 'Japan', tz_id: 'Asia/Tokyo' },
    utcOffsetSeconds: 32400,
    timezoneAbbreviation: 'JST',
    weather: { temperatureC: 24.4, feelsLikeC: 25.9, humidity: 73, windKmh: 13.0, gustsKmh: 25.9, windDegrees: 160, wmoCode: 63, weatherApiCode: 1189, weatherApiText: 'Moderate rain', precipitationMm: 2.1, isDay: 0 },
  }),
  place({
    geocoding: { id: 2274895, name: 'Monrovia', latitude: 6.30054, longitude: -10.7969, elevation: 9, feature_code: 'PPLC', country_code: 'LR', admin1_id: 2274890, timezone: 'Africa/Monrovia', population: 1021762, country_id: 2275384, country: 'Liberia', admin1: 'Montserrado' },
    alternateNames: [],
    weatherapi: { name: 'Monrovia', region: 'Montserrado', country: 'Liberia', tz_id: 'Africa/Monrovia' },
    utcOffsetSeconds: 0,
    timezoneAbbreviation: 'GMT',
    weather: { temperatureC: 27.0, feelsLikeC: 30.8, humidity: 84, windKmh: 11.9, gustsKmh: 20.2, windDegrees: 225, wmoCode: 95, weatherApiCode: 1087, weatherApiText: 'Thundery outbreaks possible', precipitationMm: 3.6, isDay: 1 },
  }),
  place({
    geocoding: { id: 1298824, name: 'Yangon', latitude: 16.80528, longitude: 96.15611, elevation: 20, feature_code: 'PPLA', country_code: 'MM', admin1_id: 1298822, timezone: 'Asia/Yangon', population: 4477638, country_id: 1327865, country: 'Myanmar', admin1: 'Yangon' },
    alternateNames: ['Rangoon'],
    weatherapi: { name: 'Yangon', region: 'Yangon', country: 'Myanmar', tz_id: 'Asia/Yangon' },
    utcOffsetSeconds: 23400,
    timezoneAbbreviation: 'GMT+6:30',
    weather: { temperatureC: 31.2, feelsLikeC: 37.5, humidity: 70, windKmh: 9.0, gustsKmh: 17.6, windDegrees: 200, wmoCode: 81, weatherApiCode: 1243, weatherApiText: 'Moderate or heavy rain shower', precipitationMm: 5.2, isDay: 1 },
  }),
  place({
    geocoding: { id: 4568127, name: 'San Juan', latitude: 18.46633, longitude: -66.10572, elevation: 7, feature_code: 'PPLC', country_code: 'PR', admin1_id: 4568138, timezone: 'America/Puerto_Rico', population: 418140, country_id: 4566966, country: 'Puerto Rico', admin1: 'San Juan' },
    alternateNames: [],
    weatherapi: { name: 'San Juan', region: 'Puerto Rico', country: 'Puerto Rico', tz_id: 'America/Puerto_Rico' },
    utcOffsetSeconds: -14400,
    timezoneAbbreviation: 'AST',
    weather: { temperatureC: 30.1, feelsLikeC: 35.2, humidity: 74, windKmh: 22.3, gustsKmh: 35.3, windDegrees: 90, wmoCode: 2, weatherApiCode: 1003, weatherApiText: 'Partly cloudy', precipitationMm: 0, isDay: 1 },
  }),
];

/** Lower case, no accents, no apostrophes: how the fakes compare names. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/['’.]/gu, '').replace(/\s+/gu, ' ').trim();
}

export function namesOf(entry: FakePlace): string[] {
  return [entry.geocoding.name, entry.weatherapi.name, ...entry.alternateNames].map(fold);
}

/** The place nearest to a coordinate (the forecast APIs are asked by coordinates). */
export function nearest(latitude: number, longitude: number): FakePlace {
  let best = PLACES[0];
  let bestDistance = Infinity;
  for (const entry of PLACES) {
    const distance = (entry.geocoding.latitude - latitude) ** 2 + (entry.geocoding.longitude - longitude) ** 2;
    if (distance < bestDistance) {
      best = entry;
      bestDistance = distance;
    }
  }
  return best;
}

export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
export const toFahrenheit = (celsius: number) => round((celsius * 9) / 5 + 32);
export const toMph = (kmh: number) => round(kmh / 1.609344);
export const toInches = (mm: number) => round(mm / 25.4, 3);

/** Day `index` (0 = today) of a place's forecast, in metric: deterministic variations. */
export function dayOf(entry: FakePlace, index: number) {
  const w = entry.weather;
  const swing = [0, 1.4, -0.8, 2.1, -1.9, 0.6, 1.1][index % 7];
  const codes = [w.wmoCode, 3, 61, 0, 80, 2, 1];
  return {
    maxC: round(w.temperatureC + 3.2 + swing),
    minC: round(w.temperatureC - 6.1 + swing / 2),
    precipitationMm: round([w.precipitationMm * 4, 0, 3.4, 0, 6.2, 0.2, 0][index % 7]),
    precipitationProbability: [20, 5, 65, 0, 80, 15, 10][index % 7],
    maxWindKmh: round(w.windKmh * 1.6 + index),
    wmoCode: codes[index % 7],
  };
}

/** Today's date (UTC) plus `days`, as YYYY-MM-DD. */
export function isoDate(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
