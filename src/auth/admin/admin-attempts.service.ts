import { HttpException, HttpStatus, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { InjectStore } from '../../storage/inject-store.decorator';
import type { StateStore } from '../../storage/state-store';

/** Wrong admin bearers one client may send per window before it is locked out until the window ends. */
export const MAX_ADMIN_FAILURES = 10;
export const ADMIN_FAILURE_WINDOW_MS = 15 * 60_000;

/**
 * Brute-force protection of the admin endpoints: wrong bearers are counted per client in the
 * storage provider (shared by every instance with Redis); over the limit the client gets 429
 * even with the right token, so guessing stops paying. Page rate limits do not apply here.
 */
@Injectable()
export class AdminAttempts {
  constructor(@InjectStore() private readonly store: StateStore) {}

  /** Seconds `clientKey` stays locked out, or undefined when it may try. Throws 503 when the store cannot be read. */
  async lockedOutFor(clientKey: string): Promise<number | undefined> {
    const failures = await this.read(() => this.store.increment(failureKey(clientKey), ADMIN_FAILURE_WINDOW_MS, 0));
    return failures.value >= MAX_ADMIN_FAILURES ? Math.max(1, Math.ceil(failures.resetInMs / 1000)) : undefined;
  }

  async recordFailure(clientKey: string): Promise<void> {
    await this.read(() => this.store.increment(failureKey(clientKey), ADMIN_FAILURE_WINDOW_MS, 1));
  }

  private async read<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch {
      throw new ServiceUnavailableException('The admin endpoints are unavailable while the state store cannot be reached.');
    }
  }
}

function failureKey(clientKey: string): string {
  return `auth:admin-failures:${clientKey}`;
}

/** 429 with the JSON body of docs/protocol.md (the guard sets `Retry-After`). */
export class AdminLockedOutException extends HttpException {
  constructor(readonly retryAfterSec: number) {
    super(
      { statusCode: HttpStatus.TOO_MANY_REQUESTS, message: `Too many wrong admin tokens. Try again in ${retryAfterSec} s.`, retryAfterSec },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
