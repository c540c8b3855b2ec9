import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { CommonModule } from './common/common.module';
import { configRootModule } from './config/config.module';
import { CostModule } from './cost/cost.module';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { PageModule } from './page/page.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { RealtimeModule } from './realtime/realtime.module';
import { SecurityModule } from './security/security.module';
import { StorageModule } from './storage/storage.module';
import { ToolsModule } from './tools/tools.module';

@Module({})
export class AppModule {
  /** Built per app so each one (in main.ts or in a test) validates the environment it starts with. */
  static forRoot(): DynamicModule {
    return {
      module: AppModule,
      imports: [configRootModule(), LoggingModule, CommonModule, SecurityModule, StorageModule, HealthModule, MetricsModule, PageModule, RateLimitModule, CostModule, ToolsModule, AuthModule, RealtimeModule],
    };
  }
}
