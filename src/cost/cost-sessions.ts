import { Injectable } from '@nestjs/common';
import type { ClientIdentity, SessionEndReason } from '../common/session-ports';

/** What this instance knows about one session it meters. */
export interface CostSession {
  id: string;
  /** Set when the session was admitted here (its user cap key, if any). */
  identity?: ClientIdentity;
  /** A reservation is held for it against the hourly cap. */
  reserved: boolean;
  createdAt: number;
  /** When the call went live (the duration clock); undefined until `started()`. */
  startedAt?: number;
  /** Best known session spend: the shared ledger's figure, or this instance's tally if higher. */
  spentMicro: number;
  /** What this instance metered for it (the fallback while the ledger is unreachable). */
  meteredMicro: number;
  /** What this instance charged to the ledger for it: max(metered, time floor) (SpendFloor). */
  chargedMicro: number;
  /** Usage ids already metered here (response:…, transcription:…, backend:…). */
  seen: Set<string>;
  durationWarned: boolean;
  /** The first cost rule that ended it (counted in metrics once). */
  endedFor?: SessionEndReason;
  /** Last time the duration end was announced (re-announced until release), and how often. */
  durationEndSentAt?: number;
  durationEndsSent: number;
}

/** The sessions this instance meters, by id. Entries go at `release()` (or when stale). */
@Injectable()
export class CostSessions {
  private readonly sessions = new Map<string, CostSession>();

  get(id: string): CostSession | undefined {
    return this.sessions.get(id);
  }

  /** The session's entry, created on first sight (usage can arrive for a session admitted elsewhere). */
  ensure(id: string, now: number): CostSession {
    let session = this.sessions.get(id);
    if (!session) {
      session = { id, reserved: false, createdAt: now, spentMicro: 0, meteredMicro: 0, chargedMicro: 0, seen: new Set(), durationWarned: false, durationEndsSent: 0 };
      this.sessions.set(id, session);
    }
    return session;
  }

  remove(id: string): CostSession | undefined {
    const session = this.sessions.get(id);
    this.sessions.delete(id);
    return session;
  }

  all(): IterableIterator<CostSession> {
    return this.sessions.values();
  }

  get size(): number {
    return this.sessions.size;
  }
}
