import type { IncomingMessage } from 'node:http';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ADMITTED, GateDecision, refuse } from '../../common/gate-decision';
import { CONNECT_LIMITER, SESSION_AUTHENTICATOR } from '../../common/session-ports';
import type { AuthDecision, AuthenticatedUser, AuthRefusal, ClientIdentity, ConnectLimiter, SessionAuthenticator } from '../../common/session-ports';
import { RealtimeCallsClient } from '../openai/realtime-calls.client';

/** The connection as the gate sees it: who it is, and how it learns its user. */
export interface GatedConnection {
  readonly identity: ClientIdentity;
  signIn(user: AuthenticatedUser): void;
}

/**
 * The checks a /session connection passes once its socket is open, before anything can cost
 * money: the token (with AUTH_REQUIRED; its `sub` joins the identity so limits count per user),
 * the per-client connect rate limit, then whether the service can create calls at all. (Origin is
 * checked earlier, at the upgrade: UpgradeGate.) Cost admission comes with `session.start`, right
 * before the call is created.
 */
@Injectable()
export class ConnectionGate {
  private readonly logger = new Logger(ConnectionGate.name);

  constructor(
    @Inject(SESSION_AUTHENTICATOR) private readonly authenticator: SessionAuthenticator,
    @Inject(CONNECT_LIMITER) private readonly limiter: ConnectLimiter,
    private readonly calls: RealtimeCallsClient,
  ) {}

  async check(req: IncomingMessage, connection: GatedConnection): Promise<GateDecision | AuthRefusal> {
    // First, so a refused token is never counted against anyone's limits nor spent on.
    const auth = await this.authenticate(req);
    if (!auth.admitted) return auth;
    if (auth.user) connection.signIn(auth.user);

    let decision: GateDecision;
    try {
      decision = await this.limiter.admitConnection(connection.identity);
    } catch (error) {
      // The limiter has its own fallback; if even that throws, money is still guarded by cost
      // admission at session.start, so the connection may proceed.
      this.logger.error(`connect limiter failed: ${(error as Error).message}`);
      decision = ADMITTED;
    }
    if (!decision.admitted) return decision;
    if (!this.calls.configured) {
      return refuse('not_configured', 'Conversations are not available: the operator has not configured an OpenAI key.');
    }
    return ADMITTED;
  }

  private async authenticate(req: IncomingMessage): Promise<AuthDecision> {
    try {
      return await this.authenticator.authenticate(req);
    } catch (error) {
      // The authenticator answers every failure itself; should it throw, fail closed.
      this.logger.error(`authentication failed: ${(error as Error).message}`);
      return refuse('upstream_error', 'Your sign-in cannot be checked right now. Please try again shortly.', 5);
    }
  }
}
