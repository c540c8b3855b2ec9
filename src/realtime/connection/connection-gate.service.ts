import { Inject, Injectable, Logger } from '@nestjs/common';
import { ADMITTED, GateDecision, refuse } from '../../common/gate-decision';
import { CONNECT_LIMITER } from '../../common/session-ports';
import type { ClientIdentity, ConnectLimiter } from '../../common/session-ports';
import { RealtimeCallsClient } from '../openai/realtime-calls.client';

/**
 * The checks a /session connection passes once its socket is open, before anything can cost
 * money: the per-client connect rate limit, then whether the service can create calls at all.
 * (Origin — and, with auth, the token — are checked earlier, at the upgrade: UpgradeGate.)
 * Cost admission comes with `session.start`, right before the call is created.
 */
@Injectable()
export class ConnectionGate {
  private readonly logger = new Logger(ConnectionGate.name);

  constructor(
    @Inject(CONNECT_LIMITER) private readonly limiter: ConnectLimiter,
    private readonly calls: RealtimeCallsClient,
  ) {}

  async check(identity: ClientIdentity): Promise<GateDecision> {
    let decision: GateDecision;
    try {
      decision = await this.limiter.admitConnection(identity);
    } catch (error) {
      // The limiter has its own fallback; if even that throws, money is still guarded by cost
      // admission at session.start, so the connection may proceed.
      this.logger.error(`connect limiter failed: ${(error as Error).message}`);
      decision = ADMITTED;
    }
    if (!decision.admitted) return decision;
    if (!this.calls.configured) {
      return refuse('not_configured', 'Conversations are not available: the operator has not configured an OpenAI key.', 60);
    }
    return ADMITTED;
  }
}
