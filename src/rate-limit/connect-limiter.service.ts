import { Injectable } from '@nestjs/common';
import { ADMITTED, GateDecision, refuse } from '../common/gate-decision';
import type { ClientIdentity, ConnectLimiter } from '../common/session-ports';
import { SessionRateLimiter } from './session-rate-limiter.service';

/** CONNECT_LIMITER: RATE_LIMIT_WEBSOCKET, counted once per new /session connection. */
@Injectable()
export class ConnectLimiterService implements ConnectLimiter {
  constructor(private readonly limiter: SessionRateLimiter) {}

  async admitConnection(identity: ClientIdentity): Promise<GateDecision> {
    const decision = await this.limiter.consume('websocket', identity);
    if (decision.allowed) return ADMITTED;
    return refuse(
      'rate_limited',
      `Too many new conversations from your connection. Try again in ${decision.retryAfterSec} s.`,
      decision.retryAfterSec,
    );
  }
}
