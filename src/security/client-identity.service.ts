import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { IncomingMessage } from 'node:http';
import type { ClientIdentity } from '../common/session-ports';
import { securityConfig } from '../config/security.config';
import { clientIp, clientKey, compileTrust, TrustFunction } from './client-address';
import { OriginPolicy } from './origin-policy';

/**
 * Who is calling: the client address under the TRUST_PROXY rule, the key limits count against,
 * and whether an Origin may use the service. HTTP and WebSocket paths share this one service.
 */
@Injectable()
export class ClientIdentityService {
  readonly trust: TrustFunction;
  readonly origins: OriginPolicy;

  constructor(@Inject(securityConfig.KEY) config: ConfigType<typeof securityConfig>) {
    this.trust = compileTrust(config.trustProxy);
    this.origins = new OriginPolicy(config.allowedOrigins);
  }

  ipOf(req: IncomingMessage): string {
    return clientIp(req, this.trust);
  }

  /** The rate-limit key of a request or upgrade (IPv6 grouped by /64). */
  keyOf(req: IncomingMessage): string {
    return clientKey(this.ipOf(req));
  }

  /** Address and key together, the address worked out once. */
  of(req: IncomingMessage): ClientIdentity {
    const ip = this.ipOf(req);
    return { ip, clientKey: clientKey(ip) };
  }
}
