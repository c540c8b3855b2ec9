import { Global, Module } from '@nestjs/common';
import { ProbesController } from './probes.controller';
import { ReadinessService } from './readiness.service';
import { StatusController } from './status.controller';
import { StatusRegistry } from './status.registry';
import { StatusService } from './status.service';

@Global()
@Module({
  controllers: [StatusController, ProbesController],
  providers: [StatusRegistry, StatusService, ReadinessService],
  exports: [StatusRegistry, ReadinessService],
})
export class HealthModule {}
