import { Module } from '@nestjs/common';
import { LimitCounter } from './limit-counter.service';
import { fallbackGaugeProvider, storeErrorsCounterProvider } from './rate-limit.metrics';
import { StateStoreThrottlerStorage } from './state-store-throttler.storage';

/**
 * The counting half of rate limiting, in its own module so ThrottlerModule.forRootAsync can
 * import it to get the storage it is configured with.
 */
@Module({
  providers: [LimitCounter, StateStoreThrottlerStorage, fallbackGaugeProvider, storeErrorsCounterProvider],
  exports: [LimitCounter, StateStoreThrottlerStorage],
})
export class RateLimitStorageModule {}
