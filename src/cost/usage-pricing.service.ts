import { Injectable } from '@nestjs/common';
import type { RealtimeResponseUsage } from 'openai/resources/realtime/realtime';
import type { BackendUsage, TranscriptionUsage } from '../common/session-ports';
import { CostMetrics } from './cost.metrics';
import { LedgerGuard } from './ledger-guard.service';
import { UnpricedModelError } from './price-book';
import { UsageMeter, type PricedUsage } from './usage-meter';

/**
 * A usage event's price as it will be charged: priced by the meter, bounded by the guard (an
 * absurd or unpriced report is charged what one response can cost), and counted in the spend and
 * token metrics. Called once per event, after de-duplication.
 */
@Injectable()
export class UsagePricing {
  constructor(
    private readonly meter: UsageMeter,
    private readonly guard: LedgerGuard,
    private readonly metrics: CostMetrics,
  ) {}

  response(sessionId: string, model: string, usage: RealtimeResponseUsage): PricedUsage {
    return this.charged(sessionId, () => this.meter.priceResponse(model, usage));
  }

  transcription(sessionId: string, model: string, usage: TranscriptionUsage): PricedUsage {
    return this.charged(sessionId, () => this.meter.priceTranscription(model, usage));
  }

  backend(sessionId: string, usage: BackendUsage): PricedUsage {
    return this.charged(sessionId, () => this.meter.priceBackend(usage));
  }

  private charged(sessionId: string, price: () => PricedUsage): PricedUsage {
    const priced = this.bounded(sessionId, price);
    this.metrics.charged(priced);
    return priced;
  }

  private bounded(sessionId: string, price: () => PricedUsage): PricedUsage {
    try {
      return this.guard.bounded(sessionId, price());
    } catch (error) {
      if (error instanceof UnpricedModelError) return this.guard.unpriced(sessionId, error);
      throw error;
    }
  }
}
