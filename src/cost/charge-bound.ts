import { toMicro } from './money';
import type { UsageMeter } from './usage-meter';

/** A priced usage event after the bound: what is charged, and whether the bound cut it down. */
export interface BoundedCharge {
  micro: number;
  /** The event priced above what one response can cost (or to no number at all). */
  clamped: boolean;
}

/**
 * What one usage event may be charged at most: the dearest single response the configured
 * realtime model can produce — its whole context window re-read uncached at the dearest input
 * rate, plus the model's own output limit (not our configured `max_output_tokens`, which a
 * browser's `response.create` can raise to "inf") at the dearest output rate. For
 * gpt-realtime-2: 128,000 × $32/1M + 32,000 × $64/1M = $6.144.
 *
 * Usage comes from OpenAI over the sideband, so a figure above this is not spend that happened
 * but a report no response can produce (an absurd token count, a number past 2^53). Such an
 * event is charged the bound — never less than it could have cost, never a number the ledger
 * cannot store — and the caller logs and counts it.
 */
export class ChargeBound {
  constructor(readonly maxMicro: number) {}

  /** The bound for the realtime model in use, from the price book. */
  static forModel(meter: UsageMeter, model: string): ChargeBound {
    return new ChargeBound(toMicro(meter.responseBound(model).totalUsd));
  }

  apply(micro: number): BoundedCharge {
    // NaN or Infinity: a price that overflowed; it is at least the bound.
    if (!Number.isFinite(micro) || micro > this.maxMicro) return { micro: this.maxMicro, clamped: true };
    return { micro: Math.max(0, Math.ceil(micro)), clamped: false };
  }
}
