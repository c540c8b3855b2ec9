import { registerAs } from '@nestjs/config';
import { parseBoolean, parseNonNegativeDecimal, parsePositiveDecimal } from './env-parsers';
import { parsePriceOverrides } from './price-overrides';
import { readEnv, readParsed } from './read-env';

export const costConfig = registerAs('cost', () => {
  const maxSessionCostUsd = readParsed('COST_PROTECTION_MAX_SESSION_COST_USD', parsePositiveDecimal, '5.0');
  const userCap = readEnv('COST_PROTECTION_MAX_USER_COST_PER_HOUR_USD');
  return {
    /** false → metering and metrics stay on, enforcement is off. */
    enabled: readParsed('COST_PROTECTION_ENABLED', parseBoolean, 'true'),
    maxSessionCostUsd,
    maxSessionDurationMs: readParsed('COST_PROTECTION_MAX_SESSION_DURATION_MINUTES', parsePositiveDecimal, '30') * 60_000,
    maxHourlyCostUsd: readParsed('COST_PROTECTION_MAX_TOTAL_COST_PER_HOUR_USD', parsePositiveDecimal, '50.0'),
    breakerThresholdUsd: readParsed('COST_PROTECTION_CIRCUIT_BREAKER_THRESHOLD_USD', parsePositiveDecimal, '100.0'),
    breakerResetMs: readParsed('COST_PROTECTION_CIRCUIT_BREAKER_RESET_MINUTES', parsePositiveDecimal, '30') * 60_000,
    /** The "rolling hour" of the hourly cap, the breaker and the per-user cap (shorter only in tests). */
    spendWindowMs: readParsed('COST_PROTECTION_SPEND_WINDOW_MINUTES', parsePositiveDecimal, '60') * 60_000,
    /** Held against the hourly cap when a session is admitted, settled against its real usage. */
    sessionReservationUsd: Math.min(
      maxSessionCostUsd,
      readParsed('COST_PROTECTION_SESSION_RESERVATION_USD', parseNonNegativeDecimal, '0.50'),
    ),
    /** With auth on: one user's rolling-hour cap across sessions. */
    maxUserCostPerHourUsd: userCap === undefined ? undefined : parsePositiveDecimal(userCap),
    /**
     * The time floor: a session's spend counts as at least this much per connected minute.
     * Unset → derived from the realtime model's audio prices (src/cost/spend-floor.ts); 0 → off.
     */
    minUsdPerMinute: readEnv('COST_PROTECTION_MIN_USD_PER_MINUTE') === undefined ? undefined : readParsed('COST_PROTECTION_MIN_USD_PER_MINUTE', parseNonNegativeDecimal, '0'),
    /** Prices for models the built-in price book lacks, or corrections to it (validated at start). */
    priceOverrides: readParsed('COST_PRICE_OVERRIDES', parsePriceOverrides, '{}'),
  };
});
