import type { UnitSystem, Units } from './weather-report';

/**
 * Fahrenheit and mph where people use them: the United States and its territories (Puerto Rico,
 * Guam, the U.S. Virgin Islands, American Samoa, the Northern Mariana Islands, the minor outlying
 * islands), Liberia and Myanmar. Celsius and km/h everywhere else.
 */
const IMPERIAL_COUNTRY_CODES = new Set(['US', 'PR', 'GU', 'VI', 'AS', 'MP', 'UM', 'LR', 'MM']);

/** Country names as weatherapi.com spells them (it gives no code) → ISO code, for the imperial set. */
const IMPERIAL_COUNTRY_NAMES: Record<string, string> = {
  'united states of america': 'US',
  'united states': 'US',
  usa: 'US',
  'puerto rico': 'PR',
  guam: 'GU',
  'virgin islands, u.s.': 'VI',
  'u.s. virgin islands': 'VI',
  'us virgin islands': 'VI',
  'united states virgin islands': 'VI',
  'american samoa': 'AS',
  'northern mariana islands': 'MP',
  'united states minor outlying islands': 'UM',
  liberia: 'LR',
  myanmar: 'MM',
  burma: 'MM',
};

export const METRIC: Units = Object.freeze({ system: 'metric', temperature: '°C', windSpeed: 'km/h', precipitation: 'mm' });
export const IMPERIAL: Units = Object.freeze({ system: 'imperial', temperature: '°F', windSpeed: 'mph', precipitation: 'in' });

export function unitSystemFor(countryCode: string | undefined): UnitSystem {
  return countryCode && IMPERIAL_COUNTRY_CODES.has(countryCode.toUpperCase()) ? 'imperial' : 'metric';
}

export function unitsFor(countryCode: string | undefined): Units {
  return unitSystemFor(countryCode) === 'imperial' ? { ...IMPERIAL } : { ...METRIC };
}

/** The ISO code of a country name when it matters for units (weatherapi.com gives names only). */
export function imperialCodeOfCountryName(country: string): string | undefined {
  return IMPERIAL_COUNTRY_NAMES[country.trim().toLowerCase()];
}
