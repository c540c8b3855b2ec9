import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ChargeBound } from './charge-bound';
import { CostLedger } from './cost-ledger.service';
import { CostSessions } from './cost-sessions';
import { COST_SETTINGS, OPENAI_MAX_CALL_MS, type CostSettings } from './cost-settings';
import { formatUsd, toUsd } from './money';

/**
 * A running session's reservation in the ledger: released when the session ends, and raised to
 * its call's worst case when the call runs unwatched.
 *
 * Calls nobody can hang up or meter (their hang-up keeps failing and their sideband is gone):
 * they may spend unseen until OpenAI's 60-minute limit, so their worst case — one maximal
 * response (ChargeBound) for every minute left — is held against the hourly cap (and the user's)
 * until then, whatever the cap. Released with the session's reservation if the hang-up is
 * confirmed after all.
 */
@Injectable()
export class SessionReservations {
  private readonly logger = new Logger(SessionReservations.name);

  constructor(
    @Inject(COST_SETTINGS) private readonly settings: CostSettings,
    private readonly clock: Clock,
    private readonly sessions: CostSessions,
    private readonly ledger: CostLedger,
    private readonly bound: ChargeBound,
  ) {}

  /** Never throws: a ledger that cannot take the hold now refuses admissions anyway. */
  async holdWorstCase(sessionId: string): Promise<void> {
    if (!this.settings.enabled) return;
    const now = this.clock.now();
    const session = this.sessions.ensure(sessionId, now);
    const leftMs = Math.max(60_000, (session.startedAt ?? session.createdAt) + OPENAI_MAX_CALL_MS - now);
    const micro = Math.ceil(leftMs / 60_000) * this.bound.maxMicro;
    session.unwatched = true;
    session.reserved = true;
    this.logger.error(`session ${sessionId}: its call runs unwatched; holding its worst case ${formatUsd(toUsd(micro))} against the hourly cap for ${Math.round(leftMs / 60_000)} min`);
    try {
      await this.ledger.holdRegardless(sessionId, micro, leftMs, session.identity?.userKey);
    } catch (error) {
      this.logger.error(`session ${sessionId}: the worst-case hold could not be placed now: ${(error as Error).message}`);
    }
  }

  /** Drop the session's reservation; never throws (the ledger retries a release it could not make). */
  async release(sessionId: string, options: { keepWorstCase?: boolean } = {}): Promise<void> {
    const session = this.sessions.remove(sessionId);
    if (!session?.reserved) return;
    // The call may still be running unmetered: its worst-case hold expires at the call's limit.
    if (session.unwatched && options.keepWorstCase) return;
    try {
      await this.ledger.releaseReservation(sessionId, session.identity?.userKey);
    } catch (error) {
      // The ledger retries it every second until it answers (and it expires by itself anyway).
      this.logger.warn(`could not release the reservation of session ${sessionId} now (will retry): ${(error as Error).message}`);
    }
  }
}
