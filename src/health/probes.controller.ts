import { Controller, Get, Header, HttpStatus, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ReadinessRegistry, type Readiness } from '../common/readiness-registry';

/**
 * Probes for load balancers and orchestrators. Not rate limited per client address (a balancer
 * probes every instance from one address, often every second) and constant work: no store, no
 * upstream, no await. /status is the operator's fuller view, and is rate limited.
 */
@Controller()
export class ProbesController {
  constructor(private readonly readiness: ReadinessRegistry) {}

  /** Liveness: 200 while the process serves HTTP. Restart the container only when this fails. */
  @Get('healthz')
  @Header('Cache-Control', 'no-store')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: 200 while new visitors may come here, 503 (with the reasons) from the moment the instance drains. */
  @Get('readyz')
  @Header('Cache-Control', 'no-store')
  readyz(@Res({ passthrough: true }) res: Response): Readiness {
    const readiness = this.readiness.readiness();
    if (!readiness.ready) res.status(HttpStatus.SERVICE_UNAVAILABLE);
    return readiness;
  }
}
