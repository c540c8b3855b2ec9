// The only reader of process.env. ConfigModule has already merged `.env` into it (real
// environment first) and validated every value, so the parsers below cannot fail here.

/** A variable's value, with empty strings treated as unset. */
export function readEnv(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Parse a variable, falling back to `fallback` when unset. */
export function readParsed<T>(name: string, parser: (text: string) => T | undefined, fallback: string): T {
  const parsed = parser(readEnv(name) ?? fallback);
  if (parsed === undefined) throw new Error(`${name} failed to parse after validation`);
  return parsed;
}
