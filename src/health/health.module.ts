import { Module } from '@nestjs/common';
import { StatusController } from './status.controller';
import { StatusService } from './status.service';

/** GET /status: what every module reported into the StatusRegistry (common). */
@Module({
  controllers: [StatusController],
  providers: [StatusService],
})
export class HealthModule {}
