import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { COST_SETTINGS, type CostSettings } from './cost-settings';
import { CostMetrics } from './cost.metrics';
import { CostSessions } from './cost-sessions';
import { costUpdate } from './cost-update';
import { EnforcementBus } from '../common/enforcement-bus';

/** A duration end not yet followed by `release()` is announced again this often… */
const REANNOUNCE_MS = 5_000;
/** …this many times; then the session is taken for gone (its reservation expires by itself). */
const MAX_ANNOUNCEMENTS = 6;

/**
 * Per-session wall clock (the original's watchdog never fired). `check()` runs every 250 ms:
 * one minute before the limit it sends the browser a warning update; at the limit it ends the
 * session (`duration_exceeded`) and repeats that until the realtime module releases it. It
 * also forgets sessions that were admitted but never released (their reservations expire too).
 */
@Injectable()
export class DurationWatchdog {
  private readonly logger = new Logger(DurationWatchdog.name);

  constructor(
    @Inject(COST_SETTINGS) private readonly settings: CostSettings,
    private readonly clock: Clock,
    private readonly sessions: CostSessions,
    private readonly events: EnforcementBus,
    private readonly metrics: CostMetrics,
  ) {}

  check(): void {
    const now = this.clock.now();
    const s = this.settings;
    for (const session of [...this.sessions.all()]) {
      if (session.startedAt === undefined) {
        // Admitted but never started nor released: the caller lost it; so does the ledger's hold.
        if (now - session.createdAt > s.holdTtlMs) this.sessions.remove(session.id);
        continue;
      }
      if (now - session.startedAt > s.sessionRecordTtlMs) {
        this.sessions.remove(session.id);
        continue;
      }
      if (!s.enabled) continue;
      const elapsed = now - session.startedAt;
      if (elapsed >= s.maxDurationMs) {
        if (session.durationEndSentAt !== undefined && now - session.durationEndSentAt < REANNOUNCE_MS) continue;
        if (session.durationEndsSent >= MAX_ANNOUNCEMENTS) {
          this.logger.warn(`session ${session.id} was never released after its duration end; forgetting it`);
          this.sessions.remove(session.id);
          continue;
        }
        if (session.durationEndSentAt === undefined) {
          this.logger.log(`session ${session.id} reached its ${Math.round(s.maxDurationMs / 1000)} s limit`);
          if (!session.endedFor) {
            session.endedFor = 'duration_exceeded';
            this.metrics.limitHit('duration_exceeded');
          }
        }
        session.durationEndSentAt = now;
        session.durationEndsSent++;
        this.events.emit({ kind: 'end', sessionId: session.id, reason: 'duration_exceeded' });
      } else if (elapsed >= s.maxDurationMs - s.durationWarningMs && !session.durationWarned) {
        session.durationWarned = true;
        this.events.emit({ kind: 'update', sessionId: session.id, update: costUpdate(session, s, now) });
      }
    }
  }
}
