import { Controller, Get, Header } from '@nestjs/common';
import { RateLimit } from '../rate-limit/rate-limit.decorator';
import { ServiceStatus, StatusService } from './status.service';

@Controller('status')
export class StatusController {
  constructor(private readonly statusService: StatusService) {}

  /** Always 200 while the process serves — also with the breaker open (docs/protocol.md). */
  @Get()
  @RateLimit('status')
  @Header('Cache-Control', 'no-store')
  status(): Promise<ServiceStatus> {
    return this.statusService.status();
  }
}
