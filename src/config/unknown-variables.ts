import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { COMPOSE_VARIABLES, KNOWN_VARIABLES } from './environment';

// A misspelt variable is silently ignored, so start-up names every variable it does not know:
// all of them from `.env` (a file written for this service), and from the real environment
// only those that look like ours — a family prefix of the known names, or a near miss of one —
// since the environment also carries every other program's variables. Warnings only.

export interface UnknownVariable {
  name: string;
  source: '.env' | 'the environment';
  suggestion?: string;
}

/**
 * Prefixes shared by at least two known names (RATE_LIMIT_, COST_PROTECTION_, OPENAI_, JWT_…),
 * cut back to a `_` unless already six characters long (WEATHER covers WEATHER_API_KEY and
 * WEATHERAPI_BASE_URL), plus DUCKE_. Derived from KNOWN_VARIABLES, so it follows environment.ts.
 */
export function variableFamilies(known: Iterable<string> = KNOWN_VARIABLES): string[] {
  const names = [...known].sort();
  const prefixes = new Set<string>(['DUCKE_']);
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      let common = 0;
      while (common < names[i].length && names[i][common] === names[j][common]) common++;
      let prefix = names[i].slice(0, common);
      // Cut inside a word in both names (COST_PR… of COST_PROTECTION_ and COST_PRICE_): no family.
      const midWord = (name: string) => common < name.length && name[common] !== '_' && !prefix.endsWith('_');
      if (prefix.length >= 6 && midWord(names[i]) && midWord(names[j])) continue;
      if (prefix.length < 6) prefix = prefix.slice(0, prefix.lastIndexOf('_') + 1);
      if (prefix.length >= 3) prefixes.add(prefix);
    }
  }
  // Keep the shortest: RATE_LIMIT_ covers RATE_LIMIT_WE….
  return [...prefixes].filter((prefix) => ![...prefixes].some((other) => other !== prefix && prefix.startsWith(other))).sort();
}

/** Edit distance with adjacent transpositions (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** Whether every `_`-word of `short` appears in `long`, in order (OPENAI_KEY in OPENAI_API_KEY). */
function wordsWithin(short: string, long: string): boolean {
  const words = short.split('_').filter(Boolean);
  const pool = long.split('_');
  let at = 0;
  for (const word of words) {
    at = pool.indexOf(word, at) + 1;
    if (at === 0) return false;
  }
  return words.length >= 2;
}

/** The known name closest to `name`, when it is close enough to be a typo or a shortening of it. */
export function suggestVariable(name: string, known: Iterable<string> = KNOWN_VARIABLES): string | undefined {
  const upper = name.toUpperCase();
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(upper, candidate);
    const close = distance <= Math.max(2, Math.floor(upper.length / 4)) || wordsWithin(upper, candidate);
    if (close && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

/** Unknown names in `.env` and our-looking unknown names in the environment, each once. */
export function findUnknownVariables(fromFile: Record<string, string>, environment: Record<string, string | undefined>): UnknownVariable[] {
  const families = variableFamilies();
  const found: UnknownVariable[] = [];
  const seen = new Set<string>();
  const note = (name: string, source: UnknownVariable['source']) => {
    if (KNOWN_VARIABLES.has(name) || COMPOSE_VARIABLES.test(name) || seen.has(name)) return;
    seen.add(name);
    found.push({ name, source, suggestion: suggestVariable(name) });
  };
  for (const name of Object.keys(fromFile)) note(name, '.env');
  for (const name of Object.keys(environment)) {
    const nearMiss = name.length >= 8 && editDistance(name, suggestVariable(name) ?? '') <= 2;
    const ours = families.some((prefix) => name.startsWith(prefix)) || nearMiss;
    if (ours) note(name, 'the environment');
  }
  return found;
}

/** One warning line per unknown variable. */
export function describeUnknownVariable({ name, source, suggestion }: UnknownVariable): string {
  const hint = suggestion ? `did you mean ${suggestion}?` : 'see .env.example for the variables DUCK-E reads';
  return `Unknown variable ${name} in ${source} is ignored — ${hint}`;
}

/** What start-up warns about: `.env` in the working directory and the real environment. */
export function unknownVariablesAtBoot(envFile = join(process.cwd(), '.env')): string[] {
  const fromFile = existsSync(envFile) ? parse(readFileSync(envFile)) : {};
  return findUnknownVariables(fromFile, process.env).map(describeUnknownVariable);
}
