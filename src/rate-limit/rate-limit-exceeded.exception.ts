import { HttpException, HttpStatus } from '@nestjs/common';

/** 429 with the JSON body of docs/protocol.md; the guard sets the plain `Retry-After` header. */
export class RateLimitExceededException extends HttpException {
  constructor(readonly retryAfterSec: number) {
    super(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        message: `Too many requests. Try again in ${retryAfterSec} s.`,
        retryAfterSec,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
