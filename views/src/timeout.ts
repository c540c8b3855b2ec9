// Every wait on the page has an end: nothing may leave the page "Connecting…" forever.

export class TimeoutError extends Error {
  constructor(readonly what: string) {
    super(`${what} timed out`);
    this.name = 'TimeoutError';
  }
}

/** Resolve with `promise`, or reject with a TimeoutError naming `what` after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(what)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
