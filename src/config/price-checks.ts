import { priceEntryKey } from '../cost/price-book';
import { DEFAULT_PRICE_TABLE, withPriceOverrides } from '../cost/price-table';
import { readPriceOverrides } from './price-overrides';
import { DEFAULT_REALTIME_MODEL, DEFAULT_TRANSCRIPTION_MODEL } from './realtime.config';
import { DEFAULT_WEB_SEARCH_MODEL } from './openai.config';

/** The configured models DUCK-E spends money on, by the variable that names them. */
const PRICED_MODELS: ReadonlyArray<[variable: string, fallback: string]> = [
  ['REALTIME_MODEL', DEFAULT_REALTIME_MODEL],
  ['REALTIME_TRANSCRIPTION_MODEL', DEFAULT_TRANSCRIPTION_MODEL],
  ['WEB_SEARCH_MODEL', DEFAULT_WEB_SEARCH_MODEL],
];

/**
 * Start-up check across variables: COST_PRICE_OVERRIDES is valid JSON of prices, and every model
 * the service will be billed for has a price (built in, or from the overrides). A model without
 * one is refused by name — spend that cannot be priced cannot be capped.
 */
export function priceProblems(known: Record<string, string>): string[] {
  let table = DEFAULT_PRICE_TABLE;
  if (known.COST_PRICE_OVERRIDES !== undefined) {
    const result = readPriceOverrides(known.COST_PRICE_OVERRIDES);
    if ('problem' in result) return [`COST_PRICE_OVERRIDES ${result.problem}`];
    table = withPriceOverrides(table, result.overrides);
  }
  const problems: string[] = [];
  for (const [variable, fallback] of PRICED_MODELS) {
    const model = known[variable]?.trim() || fallback;
    if (priceEntryKey(table, model)) continue;
    const reason = table.unpriced[model.toLowerCase()];
    problems.push(
      `${variable}=${JSON.stringify(model)} has no price in DUCK-E's price book (prices as of ${table.asOf}${reason ? `; ${reason}` : ''}), ` +
        `so its spend could not be capped: choose a priced model, or give its prices in COST_PRICE_OVERRIDES, ` +
        `e.g. COST_PRICE_OVERRIDES='{"${model}":{"textIn":4,"textOut":16,"audioIn":32,"audioOut":64}}' (USD per 1M tokens)`,
    );
  }
  return problems;
}
