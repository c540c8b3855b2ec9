// Every server event the probe's call produced, with the connection it arrived on, and waits
// with deadlines on top of it. Both connections feed the same log, so "which connection saw
// what" is a query, not bookkeeping spread over the checks.

export type Connection = 'datachannel' | 'sideband';

export type ServerEvent = { type: string; [field: string]: unknown };

export interface LoggedEvent {
  via: Connection;
  event: ServerEvent;
  at: number;
}

type Waiter = { match: (logged: LoggedEvent) => boolean; resolve: (logged: LoggedEvent) => void };

export class EventLog {
  readonly entries: LoggedEvent[] = [];
  private readonly waiters = new Set<Waiter>();

  add(via: Connection, event: ServerEvent): void {
    const logged = { via, event, at: Date.now() };
    this.entries.push(logged);
    for (const waiter of [...this.waiters]) {
      if (!waiter.match(logged)) continue;
      this.waiters.delete(waiter);
      waiter.resolve(logged);
    }
  }

  /** Events matching `match`, in arrival order. */
  find(match: (logged: LoggedEvent) => boolean): LoggedEvent[] {
    return this.entries.filter(match);
  }

  /** `match`, limited to events logged at position `since` or later (`entries.length` when a step began). */
  after(since: number, match: (logged: LoggedEvent) => boolean): (logged: LoggedEvent) => boolean {
    return (logged) => this.entries.indexOf(logged) >= since && match(logged);
  }

  count(type: string, via: Connection): number {
    return this.entries.filter((logged) => logged.via === via && logged.event.type === type).length;
  }

  /** The first event matching `match` (already logged or still to come), or undefined after `timeoutMs`. */
  waitFor(match: (logged: LoggedEvent) => boolean, timeoutMs: number): Promise<LoggedEvent | undefined> {
    const already = this.entries.find(match);
    if (already) return Promise.resolve(already);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        match,
        resolve: (logged) => {
          clearTimeout(timer);
          resolve(logged);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(undefined);
      }, timeoutMs);
      // A watch nobody awaits must not keep the process alive after the probe is done.
      timer.unref();
      this.waiters.add(waiter);
    });
  }
}

/** The response id an event belongs to (`response.id` or `response_id`). */
export function responseIdOf(event: ServerEvent): string | undefined {
  const nested = (event.response as { id?: unknown } | undefined)?.id;
  const id = typeof nested === 'string' ? nested : event.response_id;
  return typeof id === 'string' ? id : undefined;
}

/** Matches an event of `type`, on connection `via` when given. */
export const isEvent = (type: string, via?: Connection) => (logged: LoggedEvent) => logged.event.type === type && (!via || logged.via === via);

/** The voice a session event carries (`session.audio.output.voice`). */
export function voiceOf(event: ServerEvent): unknown {
  return (event.session as { audio?: { output?: { voice?: unknown } } } | undefined)?.audio?.output?.voice;
}

/** The `error` of an error event: which code, and which client event caused it. */
export function errorOf(event: ServerEvent): { code?: unknown; event_id?: unknown } {
  return (event.error ?? {}) as { code?: unknown; event_id?: unknown };
}
