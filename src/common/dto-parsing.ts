import { validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';

// The one way untrusted JSON becomes a typed value, shared by the /session messages and the
// model's tool arguments: parse to a plain object, copy ONLY the declared keys onto a fresh DTO
// instance (never __proto__ or anything else a sender invents), then validate it with
// class-validator. Callers word their own errors.

export type JsonObjectResult = { ok: true; value: Record<string, unknown> } | { ok: false; problem: 'not_json' | 'not_object' };

/** JSON text that must be an object (not an array, not null). `emptyAsObject`: blank text reads as `{}`. */
export function parseJsonObject(text: string, options: { emptyAsObject?: boolean } = {}): JsonObjectResult {
  let value: unknown;
  try {
    value = options.emptyAsObject && text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    return { ok: false, problem: 'not_json' };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, problem: 'not_object' };
  return { ok: true, value: value as Record<string, unknown> };
}

export interface DtoOptions {
  /** Turns a value before it is set; `undefined` leaves the field unset (its default stays). */
  prepare?: (value: unknown) => unknown;
  validator?: ValidatorOptions;
}

/** A fresh `type` with the declared `keys` copied from `source`, and what class-validator says of it. */
export function validatedDto<T extends object>(type: new () => T, source: Record<string, unknown>, keys: Iterable<string>, options: DtoOptions = {}): { dto: T; errors: ValidationError[] } {
  const dto = new type();
  const target = dto as Record<string, unknown>;
  for (const key of keys) {
    if (!Object.hasOwn(source, key)) continue;
    const value = options.prepare ? options.prepare(source[key]) : source[key];
    if (value !== undefined) target[key] = value;
  }
  return { dto, errors: validateSync(dto, { forbidUnknownValues: true, ...options.validator }) };
}
