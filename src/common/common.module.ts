import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock';
import { EnforcementBus } from './enforcement-bus';
import { ReadinessRegistry } from './readiness-registry';
import { StatusRegistry } from './status-registry';

/**
 * The ground floor every module may use and that uses nothing above it: injectable time, the
 * /status and readiness registries modules report into, and the enforcement bus they emit
 * decisions on.
 */
@Global()
@Module({
  providers: [{ provide: Clock, useClass: SystemClock }, StatusRegistry, ReadinessRegistry, EnforcementBus],
  exports: [Clock, StatusRegistry, ReadinessRegistry, EnforcementBus],
})
export class CommonModule {}
