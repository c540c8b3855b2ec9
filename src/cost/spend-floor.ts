import { Inject, Injectable } from '@nestjs/common';
import type { CostSession } from './cost-sessions';
import { COST_SETTINGS, type CostSettings } from './cost-settings';
import { toMicro } from './money';
import { PriceBook, type ResolvedPrice } from './price-book';

/**
 * What one connected minute costs at least, by default: the audio of a minute of conversation
 * split evenly between the two voices, with nothing re-read — 30 s of the person (10 audio
 * tokens a second in) and 30 s of DUCK-E (20 audio tokens a second out), at the realtime model's
 * audio rates. A real conversation costs more (text, re-reads), so the floor only decides the
 * figure when usage is missing. gpt-realtime-2: 300 × $32 + 600 × $64 per 1M = $0.048 a minute.
 */
export const FLOOR_AUDIO_TOKENS_PER_MINUTE = { input: 300, output: 600 } as const;

export function derivedFloorUsdPerMinute(price: ResolvedPrice): number {
  return (FLOOR_AUDIO_TOKENS_PER_MINUTE.input * price.rates.audioIn + FLOOR_AUDIO_TOKENS_PER_MINUTE.output * price.rates.audioOut) / 1_000_000;
}

/**
 * The time floor of a session's spend: it counts as the larger of what was metered and the
 * floor rate × minutes since it went live — never their sum — so the per-session budget and the
 * hourly cap hold even if usage never arrives. The shared ledger is kept at that larger figure:
 * each charge adds only what raises the session's counted spend (`due`).
 * COST_PROTECTION_MIN_USD_PER_MINUTE sets the rate (0: off); enforcement off turns it off too.
 */
@Injectable()
export class SpendFloor {
  /** µUSD per connected minute (0: no floor). */
  readonly microPerMinute: number;

  constructor(@Inject(COST_SETTINGS) settings: CostSettings, prices: PriceBook) {
    const usdPerMinute = settings.minUsdPerMinute ?? derivedFloorUsdPerMinute(prices.resolve(settings.realtimeModel));
    this.microPerMinute = settings.enabled ? toMicro(usdPerMinute) : 0;
  }

  get active(): boolean {
    return this.microPerMinute > 0;
  }

  /** The floor of `session` at `now`, µUSD (0 until it is live). */
  floorMicro(session: CostSession, now: number): number {
    if (!this.active || session.startedAt === undefined) return 0;
    return Math.floor((Math.max(0, now - session.startedAt) / 60_000) * this.microPerMinute);
  }

  /**
   * µUSD to charge now so the ledger holds max(metered, floor) for this session; records it as
   * charged. 0 when nothing is due (metering is ahead, or the floor has not moved).
   */
  due(session: CostSession, now: number): number {
    const counted = Math.max(session.meteredMicro, this.floorMicro(session, now));
    const micro = counted - session.chargedMicro;
    if (micro <= 0) return 0;
    session.chargedMicro = counted;
    return micro;
  }
}
