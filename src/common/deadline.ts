/** Thrown when a promise did not settle within its deadline. */
export class DeadlineExceededError extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'DeadlineExceededError';
  }
}

/**
 * `promise`, or a DeadlineExceededError once `ms` have passed without an answer.
 *
 * When the timer fires, the verdict waits for the rest of that event-loop turn (setImmediate runs
 * after I/O callbacks). A reply that already arrived while the loop was busy — a burst of requests,
 * a GC pause — is read first and still counts: only a peer that really did not answer times out.
 * Without this, a burst on a busy process turned healthy Redis replies into timeouts.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(
      () =>
        setImmediate(() => {
          if (settled) return;
          settled = true;
          reject(new DeadlineExceededError(ms));
        }),
      ms,
    );
    promise.then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error as Error);
      },
    );
  });
}
