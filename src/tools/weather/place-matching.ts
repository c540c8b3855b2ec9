// Choosing among geocoding candidates without guessing. "Paris" means Paris, France (it is far
// bigger than any other Paris); "Springfield" could be several cities of similar size, so the
// model is told so and asks. A qualifier after a comma ("Union City, NJ", "Paris, Texas",
// "London, Canada") narrows the candidates by state, region or country.

/** The candidate fields place matching needs (Open-Meteo geocoding result names). */
export interface PlaceCandidate {
  name: string;
  country?: string;
  country_code?: string;
  admin1?: string;
  admin2?: string;
  admin3?: string;
  admin4?: string;
  population?: number;
}

export type PlaceChoice<C> = { kind: 'found'; place: C } | { kind: 'not_found' } | { kind: 'ambiguous'; candidates: C[] };

/** The biggest candidate wins only when it is this many times bigger than the next one. */
const DOMINANCE = 5;
/** At most this many candidates are offered back to the model. */
export const MAX_CANDIDATES = 5;

export interface PlaceQuery {
  /** What is sent to the geocoder: the text before the first comma. */
  name: string;
  /** The parts after commas: state, region, country (any of their usual spellings). */
  qualifiers: string[];
}

export function parsePlaceQuery(location: string): PlaceQuery {
  const parts = location
    .split(/[,，、،]/u)
    .map((part) => part.trim().replace(/\s+/gu, ' '))
    .filter((part) => /[\p{L}\p{N}]/u.test(part));
  return { name: parts[0] ?? location.trim(), qualifiers: parts.slice(1) };
}

/** Lower case, no accents, no dots or apostrophes: "Saint-Étienne" ~ "saint-etienne", "D.C." ~ "dc". */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[.'’‘ʻʼ]/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

export function choosePlace<C extends PlaceCandidate>(query: PlaceQuery, results: C[]): PlaceChoice<C> {
  const qualifiers = query.qualifiers.map(fold);
  const matching = results.filter((candidate) => qualifiers.every((qualifier) => namesOf(candidate).has(qualifier)));
  if (matching.length === 0) return { kind: 'not_found' };
  // Prefer candidates named exactly as asked; a fuzzy or translated match ("東京" → Tokyo) otherwise.
  const wanted = fold(query.name);
  const exact = matching.filter((candidate) => fold(candidate.name) === wanted);
  const pool = distinctPlaces(exact.length ? exact : matching);
  if (pool.length === 1) return { kind: 'found', place: pool[0] };
  const bySize = [...pool].sort((a, b) => (b.population ?? 0) - (a.population ?? 0));
  const [first, second] = bySize;
  if ((first.population ?? 0) > 0 && (first.population ?? 0) >= DOMINANCE * (second.population ?? 0)) {
    return { kind: 'found', place: first };
  }
  return { kind: 'ambiguous', candidates: bySize.slice(0, MAX_CANDIDATES) };
}

/** One entry per name + region + country (GeoNames can list a city and its district alike). */
function distinctPlaces<C extends PlaceCandidate>(candidates: C[]): C[] {
  const seen = new Map<string, C>();
  for (const candidate of candidates) {
    const key = [candidate.name, candidate.admin1, candidate.country_code].map((part) => fold(part ?? '')).join('|');
    const kept = seen.get(key);
    if (!kept || (candidate.population ?? 0) > (kept.population ?? 0)) seen.set(key, candidate);
  }
  return [...seen.values()];
}

/** Every way a qualifier can name this candidate's region or country. */
function namesOf(candidate: PlaceCandidate): Set<string> {
  const names = new Set<string>();
  for (const value of [candidate.country, candidate.country_code, candidate.admin1, candidate.admin2, candidate.admin3, candidate.admin4]) {
    if (value) names.add(fold(value));
  }
  const code = candidate.country_code?.toUpperCase();
  for (const alias of COUNTRY_ALIASES[code ?? ''] ?? []) names.add(alias);
  const regionCode = code && candidate.admin1 ? REGION_ABBREVIATIONS[code]?.[fold(candidate.admin1)] : undefined;
  if (regionCode) names.add(regionCode);
  return names;
}

const COUNTRY_ALIASES: Record<string, string[]> = {
  US: ['usa', 'us', 'united states', 'united states of america', 'america'],
  GB: ['uk', 'united kingdom', 'great britain', 'britain', 'gb'],
  AE: ['uae'],
  KR: ['south korea', 'korea'],
  KP: ['north korea'],
  RU: ['russia'],
  CZ: ['czech republic', 'czechia'],
  NL: ['holland', 'the netherlands'],
};

/** Postal abbreviations of first-level regions, folded: admin1 name → code. */
const REGION_ABBREVIATIONS: Record<string, Record<string, string>> = {
  US: abbreviations({
    AL: 'Alabama', AK: 'Alaska', AZ: 'Arizona', AR: 'Arkansas', CA: 'California', CO: 'Colorado', CT: 'Connecticut',
    DE: 'Delaware', DC: 'District of Columbia', FL: 'Florida', GA: 'Georgia', HI: 'Hawaii', ID: 'Idaho', IL: 'Illinois',
    IN: 'Indiana', IA: 'Iowa', KS: 'Kansas', KY: 'Kentucky', LA: 'Louisiana', ME: 'Maine', MD: 'Maryland',
    MA: 'Massachusetts', MI: 'Michigan', MN: 'Minnesota', MS: 'Mississippi', MO: 'Missouri', MT: 'Montana',
    NE: 'Nebraska', NV: 'Nevada', NH: 'New Hampshire', NJ: 'New Jersey', NM: 'New Mexico', NY: 'New York',
    NC: 'North Carolina', ND: 'North Dakota', OH: 'Ohio', OK: 'Oklahoma', OR: 'Oregon', PA: 'Pennsylvania',
    RI: 'Rhode Island', SC: 'South Carolina', SD: 'South Dakota', TN: 'Tennessee', TX: 'Texas', UT: 'Utah',
    VT: 'Vermont', VA: 'Virginia', WA: 'Washington', WV: 'West Virginia', WI: 'Wisconsin', WY: 'Wyoming',
  }),
  CA: abbreviations({
    AB: 'Alberta', BC: 'British Columbia', MB: 'Manitoba', NB: 'New Brunswick', NL: 'Newfoundland and Labrador',
    NS: 'Nova Scotia', NT: 'Northwest Territories', NU: 'Nunavut', ON: 'Ontario', PE: 'Prince Edward Island',
    QC: 'Quebec', SK: 'Saskatchewan', YT: 'Yukon',
  }),
  AU: abbreviations({
    ACT: 'Australian Capital Territory', NSW: 'New South Wales', NT: 'Northern Territory', QLD: 'Queensland',
    SA: 'South Australia', TAS: 'Tasmania', VIC: 'Victoria', WA: 'Western Australia',
  }),
};

function abbreviations(byCode: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(byCode).map(([code, name]) => [fold(name), code.toLowerCase()]));
}
