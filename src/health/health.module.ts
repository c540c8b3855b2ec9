import { Module } from '@nestjs/common';
import { ProbesController } from './probes.controller';
import { StatusController } from './status.controller';
import { StatusService } from './status.service';

/** GET /status (what every module reported into the StatusRegistry) and the probes /healthz, /readyz (the ReadinessRegistry). */
@Module({
  controllers: [StatusController, ProbesController],
  providers: [StatusService],
})
export class HealthModule {}
