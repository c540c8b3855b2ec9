import { ConfigModule } from '@nestjs/config';
import { appConfig } from './app.config';
import { authConfig } from './auth.config';
import { costConfig } from './cost.config';
import { validateEnvironment } from './environment';
import { metricsConfig } from './metrics.config';
import { openaiConfig } from './openai.config';
import { rateLimitConfig } from './rate-limit.config';
import { realtimeConfig } from './realtime.config';
import { securityConfig } from './security.config';
import { storageConfig } from './storage.config';
import { weatherConfig } from './weather.config';
import { webFetchConfig } from './web-fetch.config';

/**
 * Reads `.env` from the working directory (real environment wins), validates every variable
 * once, and exposes the typed namespaces globally: inject with `@Inject(xConfig.KEY)`.
 * A function, not a constant, so each app built in a test process validates its own env.
 */
export function configRootModule() {
  return ConfigModule.forRoot({
    isGlobal: true,
    cache: true,
    validate: validateEnvironment,
    load: [
      appConfig,
      authConfig,
      costConfig,
      metricsConfig,
      openaiConfig,
      rateLimitConfig,
      realtimeConfig,
      securityConfig,
      storageConfig,
      weatherConfig,
      webFetchConfig,
    ],
  });
}
