import { Global, Module } from '@nestjs/common';
import { StatusController } from './status.controller';
import { StatusRegistry } from './status.registry';
import { StatusService } from './status.service';

@Global()
@Module({
  controllers: [StatusController],
  providers: [StatusRegistry, StatusService],
  exports: [StatusRegistry],
})
export class HealthModule {}
