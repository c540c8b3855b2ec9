// COST_PRICE_OVERRIDES: prices for models the built-in price book lacks (or corrections to it),
// as JSON keyed by model id, in the price book's own units:
//   {"gpt-realtime-3": {"textIn": 4, "textCachedIn": 0.4, "textOut": 24, "audioIn": 32, "audioCachedIn": 0.4, "audioOut": 64}}
// Token rates are USD per 1M tokens; `perMinute` is USD per minute of duration-billed audio.

export const PRICE_OVERRIDE_FIELDS = [
  'textIn',
  'textCachedIn',
  'audioIn',
  'audioCachedIn',
  'imageIn',
  'imageCachedIn',
  'textOut',
  'audioOut',
  'perMinute',
  'contextTokens',
] as const;
export type PriceOverrideField = (typeof PRICE_OVERRIDE_FIELDS)[number];
export type PriceOverrides = Record<string, Partial<Record<PriceOverrideField, number>>>;

const MODEL_ID = /^[\w.-]{1,64}$/;
const MAX_MODELS = 50;
/** Well above any published rate: a larger figure is a typo (per 1K instead of per 1M…). */
const MAX_RATE_USD = 10_000;

/** Parsed overrides, or the first problem in words (for the start-up error). */
export function readPriceOverrides(text: string): { overrides: PriceOverrides } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'is not valid JSON' };
  }
  if (!isPlainObject(value)) return { problem: 'must be a JSON object keyed by model id' };
  const entries = Object.entries(value);
  if (entries.length > MAX_MODELS) return { problem: `gives more than ${MAX_MODELS} models` };
  const overrides: PriceOverrides = {};
  for (const [model, prices] of entries) {
    if (!MODEL_ID.test(model)) return { problem: `has an invalid model id ${JSON.stringify(model.slice(0, 70))}` };
    if (!isPlainObject(prices)) return { problem: `"${model}" must be an object of prices, e.g. {"textIn": 4, "textOut": 16}` };
    const fields = Object.entries(prices);
    if (!fields.some(([field]) => field !== 'contextTokens')) return { problem: `"${model}" gives no price` };
    const parsed: Partial<Record<PriceOverrideField, number>> = {};
    for (const [field, amount] of fields) {
      if (!(PRICE_OVERRIDE_FIELDS as readonly string[]).includes(field)) {
        return { problem: `"${model}" has an unknown field "${field.slice(0, 40)}" (known: ${PRICE_OVERRIDE_FIELDS.join(', ')})` };
      }
      const max = field === 'contextTokens' ? 10_000_000 : MAX_RATE_USD;
      if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0 || amount > max) {
        return { problem: `"${model}".${field} must be a number from 0 to ${max}` };
      }
      parsed[field as PriceOverrideField] = amount;
    }
    overrides[model.toLowerCase()] = parsed;
  }
  return { overrides };
}

export function parsePriceOverrides(text: string): PriceOverrides | undefined {
  const result = readPriceOverrides(text);
  return 'overrides' in result ? result.overrides : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
