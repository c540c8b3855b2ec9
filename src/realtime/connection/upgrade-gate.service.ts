import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { ClientIdentityService } from '../../security/client-identity.service';
import { maskIp } from '../../security/client-address';
import { SessionsService } from '../session/sessions.service';
import { ConnectionMetrics } from './connection.metrics';

export type UpgradeVerdict = { ok: true } | { ok: false; status: number; message: string; headers?: Record<string, string> };

type VerifyClientCallback = (result: boolean, code?: number, message?: string, headers?: Record<string, string>) => void;

/**
 * Checks made on the HTTP upgrade request, before a WebSocket exists: a refusal here is a
 * plain HTTP status and costs nothing. Installed as `verifyClient` by SessionWsAdapter.
 */
@Injectable()
export class UpgradeGate {
  private readonly logger = new Logger(UpgradeGate.name);

  constructor(
    private readonly identity: ClientIdentityService,
    private readonly sessions: SessionsService,
    private readonly metrics: ConnectionMetrics,
  ) {}

  verify(req: IncomingMessage): UpgradeVerdict {
    if (this.sessions.draining) {
      this.metrics.refused('shutting_down');
      return { ok: false, status: 503, message: 'Service Unavailable', headers: { 'Retry-After': '5' } };
    }
    // Cross-site WebSocket hijacking: only the page's own origin (or a listed one) may connect.
    if (!this.identity.origins.isAllowedForSession(req.headers.origin, req.headers.host)) {
      this.metrics.refused('forbidden_origin');
      this.logger.debug(`refused /session from origin ${JSON.stringify(String(req.headers.origin ?? '(none)').slice(0, 100))} (${maskIp(this.identity.ipOf(req))})`);
      return { ok: false, status: 403, message: 'Forbidden' };
    }
    // The token is checked right after the socket opens (ConnectionGate), not here: a browser
    // cannot read the body of a 401 answer to a WebSocket, so it could not tell the person why.
    return { ok: true };
  }

  /** The `ws` verifyClient hook. */
  readonly verifyClient = (info: { req: IncomingMessage }, callback: VerifyClientCallback): void => {
    const verdict = this.verify(info.req);
    if (verdict.ok) callback(true);
    else callback(false, verdict.status, verdict.message, verdict.headers);
  };
}
