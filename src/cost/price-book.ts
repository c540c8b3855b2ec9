import { Inject, Injectable } from '@nestjs/common';
import { PRICE_TABLE, type ModelPrice, type PriceTable, type TokenRates } from './price-table';

export type RateKind = keyof TokenRates;

export const RATE_KINDS: readonly RateKind[] = ['textIn', 'textCachedIn', 'audioIn', 'audioCachedIn', 'imageIn', 'imageCachedIn', 'textOut', 'audioOut'];

/** A model's prices with every gap filled, ready to multiply. */
export interface ResolvedPrice {
  /** The table entry used. */
  model: string;
  /** USD per 1M tokens for every kind. */
  rates: Required<TokenRates>;
  /** USD per minute of duration-billed audio. */
  perMinute: number;
  contextTokens: number;
}

/** A model the price book has no price for: it cannot be charged, so it must not be used. */
export class UnpricedModelError extends Error {
  constructor(readonly model: string, reason?: string) {
    super(`No price for model "${model.slice(0, 64)}"${reason ? ` (${reason})` : ''}: DUCK-E does not guess what a model costs`);
    this.name = 'UnpricedModelError';
  }
}

/** `gpt-realtime-2025-08-28` → `gpt-realtime`: dated snapshots cost what their alias costs. */
const SNAPSHOT_SUFFIX = /-\d{4}-\d{2}-\d{2}$/;

/** The table entry that prices `model` (exact id, else its alias without a snapshot date). */
export function priceEntryKey(table: PriceTable, model: string): string | undefined {
  const name = model.trim().toLowerCase();
  if (Object.hasOwn(table.models, name)) return name;
  const alias = name.replace(SNAPSHOT_SUFFIX, '');
  return Object.hasOwn(table.models, alias) ? alias : undefined;
}

/**
 * Looks up prices by model id. A model missing from the table is refused (UnpricedModelError):
 * configuration checks refuse to start with one, so this is a guard, never a guess. A kind of
 * token a known model has no rate for is charged at the highest rate the table knows for that
 * kind — never at zero.
 */
@Injectable()
export class PriceBook {
  private readonly highest: Required<TokenRates>;
  private readonly highestPerMinute: number;
  private readonly largestContext: number;
  private readonly cache = new Map<string, ResolvedPrice>();

  constructor(@Inject(PRICE_TABLE) readonly table: PriceTable) {
    const entries = Object.values(table.models);
    const max = (pick: (entry: ModelPrice) => number | undefined) => Math.max(0, ...entries.map((entry) => pick(entry) ?? 0));
    this.highest = Object.fromEntries(RATE_KINDS.map((kind) => [kind, max((entry) => entry[kind])])) as Required<TokenRates>;
    this.highestPerMinute = max((entry) => entry.perMinute);
    this.largestContext = max((entry) => entry.contextTokens);
  }

  /** Prices for `model`, resolved once per distinct id; throws UnpricedModelError for a model not in the table. */
  resolve(model: string): ResolvedPrice {
    let resolved = this.cache.get(model);
    if (!resolved) {
      resolved = this.build(model);
      // Model ids come from configuration, so this map stays as small as the set of models in use.
      this.cache.set(model, resolved);
    }
    return resolved;
  }

  private build(model: string): ResolvedPrice {
    const key = priceEntryKey(this.table, model);
    if (!key) throw new UnpricedModelError(model, this.table.unpriced[model.trim().toLowerCase()]);
    const entry = this.table.models[key];
    const rates = {} as Required<TokenRates>;
    for (const kind of RATE_KINDS) rates[kind] = entry[kind] ?? this.highest[kind];
    return {
      model: key,
      rates,
      perMinute: entry.perMinute ?? this.highestPerMinute,
      contextTokens: entry.contextTokens ?? this.largestContext,
    };
  }
}
