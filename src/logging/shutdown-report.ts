// The last line a stopping process logs: why it stopped, how many conversations it ended, and
// how long that took — what an operator checks after a deploy or a restart.

export interface ShutdownFacts {
  /** The signal that started it, or undefined when the process exits without one. */
  signal?: string;
  /** Conversations running (or starting) when the signal came: each is ended and hung up. */
  conversations: number;
  elapsedMs: number;
  exitCode: number;
}

export function shutdownLine({ signal, conversations, elapsedMs, exitCode }: ShutdownFacts): string {
  const why = signal ? `on ${signal}` : 'without a signal';
  const calls = `${conversations} conversation${conversations === 1 ? '' : 's'} ended`;
  const how = exitCode === 0 ? 'exit 0' : `exit ${exitCode}: the shutdown deadline cut it short`;
  return `DUCK-E stopped ${why}: ${calls} in ${(elapsedMs / 1000).toFixed(1)} s (${how})`;
}

/** Signals Nest's shutdown hooks stop the application on (all of them listen). */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT'];

/**
 * Remember when the first stop signal came and how many conversations were running, and log the
 * line as the process exits — deadline or not.
 */
export function reportShutdown(runningConversations: () => number, log: (line: string) => void): void {
  let stop: { signal: string; at: number; conversations: number } | undefined;
  for (const signal of STOP_SIGNALS) {
    process.prependOnceListener(signal, () => {
      stop ??= { signal, at: Date.now(), conversations: runningConversations() };
    });
  }
  // First of the exit listeners: pino flushes its buffer in one of its own, which must run after.
  process.prependOnceListener('exit', (exitCode) => {
    if (!stop) return;
    log(shutdownLine({ signal: stop.signal, conversations: stop.conversations, elapsedMs: Date.now() - stop.at, exitCode }));
  });
}
