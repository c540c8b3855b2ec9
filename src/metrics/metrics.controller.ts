import { Controller, Get, Header, Res, UseGuards } from '@nestjs/common';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { Response } from 'express';
import { MetricsAccessGuard } from './metrics-access.guard';
import { StorageHealthGauge } from './storage-health.gauge';

/**
 * GET /metrics (the path is set by PrometheusModule). Guarded by ENABLE_METRICS and
 * METRICS_TOKEN. No rate limit: the rate-limit module limits only routes that opt in, and a
 * scraper polling every few seconds must never be refused.
 */
@Controller()
@UseGuards(MetricsAccessGuard)
export class MetricsController extends PrometheusController {
  constructor(private readonly storageHealth: StorageHealthGauge) {
    super();
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  override index(@Res({ passthrough: true }) response: Response): Promise<string> {
    this.storageHealth.refresh();
    return super.index(response);
  }
}
