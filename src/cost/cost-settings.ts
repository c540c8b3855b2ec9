import type { ConfigType } from '@nestjs/config';
import type { costConfig } from '../config/cost.config';
import type { realtimeConfig } from '../config/realtime.config';
import { toMicro } from './money';

/** The cost rules in the units the module computes with (micro-USD, ms). */
export interface CostSettings {
  /** false: meter and report, enforce nothing. */
  enabled: boolean;
  budgetMicro: number;
  maxDurationMs: number;
  hourlyCapMicro: number;
  breakerThresholdMicro: number;
  breakerResetMs: number;
  /** Held per session against the hourly cap from admission until release (≥ 1 µUSD). */
  reservationMicro: number;
  /** Per-user rolling-hour cap (auth on), when configured. */
  userCapMicro?: number;
  /** The rolling "hour". */
  windowMs: number;
  /** A reservation disappears on its own after this long (a crashed instance leaks nothing). */
  holdTtlMs: number;
  /** How long a session's spend and its de-duplication marks are kept. */
  sessionRecordTtlMs: number;
  /** The duration warning is sent this long before the limit. */
  durationWarningMs: number;
  /** `budgetWarning` from this share of the budget on. */
  budgetWarningRatio: number;
  /** The time floor's USD per connected minute; undefined → derived from the price book (SpendFloor). */
  minUsdPerMinute?: number;
  /** Realtime model and response cap, for the overshoot bound. */
  realtimeModel: string;
  maxOutputTokens: number;
}

export const COST_SETTINGS = Symbol('COST_SETTINGS');

const HOLD_MARGIN_MS = 5 * 60_000;
/** OpenAI ends a Realtime call after 60 minutes whatever we configure. */
const OPENAI_MAX_CALL_MS = 60 * 60_000;

export function buildCostSettings(cost: ConfigType<typeof costConfig>, realtime: ConfigType<typeof realtimeConfig>): CostSettings {
  return {
    enabled: cost.enabled,
    budgetMicro: toMicro(cost.maxSessionCostUsd),
    maxDurationMs: cost.maxSessionDurationMs,
    hourlyCapMicro: toMicro(cost.maxHourlyCostUsd),
    breakerThresholdMicro: toMicro(cost.breakerThresholdUsd),
    breakerResetMs: cost.breakerResetMs,
    // At least 1 µUSD, so a full window refuses even with a zero estimate (spend ≥ cap → refused).
    reservationMicro: Math.max(1, toMicro(cost.sessionReservationUsd)),
    userCapMicro: cost.maxUserCostPerHourUsd === undefined ? undefined : toMicro(cost.maxUserCostPerHourUsd),
    windowMs: cost.spendWindowMs,
    holdTtlMs: cost.maxSessionDurationMs + HOLD_MARGIN_MS,
    sessionRecordTtlMs: Math.max(cost.maxSessionDurationMs, OPENAI_MAX_CALL_MS) + HOLD_MARGIN_MS,
    durationWarningMs: 60_000,
    budgetWarningRatio: 0.8,
    minUsdPerMinute: cost.minUsdPerMinute,
    realtimeModel: realtime.model,
    maxOutputTokens: realtime.maxOutputTokens,
  };
}
