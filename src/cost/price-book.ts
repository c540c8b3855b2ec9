import { Inject, Injectable, Logger } from '@nestjs/common';
import { PRICE_TABLE, type ModelPrice, type PriceTable, type TokenRates } from './price-table';

export type RateKind = keyof TokenRates;

const RATE_KINDS: readonly RateKind[] = ['textIn', 'textCachedIn', 'audioIn', 'audioCachedIn', 'imageIn', 'imageCachedIn', 'textOut', 'audioOut'];

/** A model's prices with every gap filled, ready to multiply. */
export interface ResolvedPrice {
  /** The table entry used, or the normalised name of an unknown model. */
  model: string;
  known: boolean;
  /** USD per 1M tokens for every kind. */
  rates: Required<TokenRates>;
  /** USD per minute of duration-billed audio. */
  perMinute: number;
  contextTokens: number;
  /** The model's own output limit per response (the largest known for an unknown model). */
  maxOutputTokens: number;
}

/** `gpt-realtime-2025-08-28` → `gpt-realtime`: dated snapshots cost what their alias costs. */
const SNAPSHOT_SUFFIX = /-\d{4}-\d{2}-\d{2}$/;

/**
 * Looks up prices by model id. A model that is not in the table, or a kind of token a model has
 * no rate for, is charged at the highest rate the table knows for that kind — never at zero —
 * and logged once, so an operator notices and adds the model.
 */
@Injectable()
export class PriceBook {
  private readonly logger = new Logger(PriceBook.name);
  private readonly highest: Required<TokenRates>;
  private readonly highestPerMinute: number;
  private readonly largestContext: number;
  private readonly largestOutput: number;
  private readonly cache = new Map<string, ResolvedPrice>();

  constructor(@Inject(PRICE_TABLE) readonly table: PriceTable) {
    const entries = Object.values(table.models);
    const max = (pick: (entry: ModelPrice) => number | undefined) => Math.max(0, ...entries.map((entry) => pick(entry) ?? 0));
    this.highest = Object.fromEntries(RATE_KINDS.map((kind) => [kind, max((entry) => entry[kind])])) as Required<TokenRates>;
    this.highestPerMinute = max((entry) => entry.perMinute);
    this.largestContext = max((entry) => entry.contextTokens);
    this.largestOutput = max((entry) => entry.maxOutputTokens);
  }

  /** Prices for `model`, resolved once per distinct id. */
  resolve(model: string): ResolvedPrice {
    let resolved = this.cache.get(model);
    if (!resolved) {
      resolved = this.build(model);
      // Model ids come from configuration, so this map stays as small as the set of models in use.
      this.cache.set(model, resolved);
    }
    return resolved;
  }

  /** The highest rate of each kind (what an unknown model is charged). */
  highestRates(): Required<TokenRates> {
    return { ...this.highest };
  }

  private build(model: string): ResolvedPrice {
    const name = model.trim().toLowerCase();
    const key = name in this.table.models ? name : name.replace(SNAPSHOT_SUFFIX, '');
    const entry = this.table.models[key];
    if (!entry) {
      this.logger.warn(
        `No price for model "${name.slice(0, 64)}" in the price table of ${this.table.asOf}: charging it at the highest known rates; add it to src/cost/price-table.ts`,
      );
      return { model: name.slice(0, 64) || 'unknown', known: false, rates: this.highestRates(), perMinute: this.highestPerMinute, contextTokens: this.largestContext, maxOutputTokens: this.largestOutput };
    }
    const rates = {} as Required<TokenRates>;
    for (const kind of RATE_KINDS) rates[kind] = entry[kind] ?? this.highest[kind];
    return {
      model: key,
      known: true,
      rates,
      perMinute: entry.perMinute ?? this.highestPerMinute,
      contextTokens: entry.contextTokens ?? this.largestContext,
      maxOutputTokens: entry.maxOutputTokens ?? this.largestOutput,
    };
  }
}
