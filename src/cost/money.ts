// Money in the ledger is integer micro-USD (1 USD = 1 000 000), so sums are exact in memory and
// in Redis. Conversions live here so no other file multiplies by a million by hand.

export const MICRO_PER_USD = 1_000_000;

/** USD → micro-USD, rounded up: a cap or a charge is never understated. */
export function toMicro(usd: number): number {
  return Math.ceil(usd * MICRO_PER_USD - 1e-6);
}

/** micro-USD → USD, for messages, status and metrics. */
export function toUsd(micro: number): number {
  return Math.round(micro) / MICRO_PER_USD;
}

/** "$0.0240" for small amounts, "$12.50" for larger ones: log lines stay readable at test scale. */
export function formatUsd(usd: number): string {
  return `$${usd < 1 ? usd.toFixed(4) : usd.toFixed(2)}`;
}
