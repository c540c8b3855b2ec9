import { Global, Inject, Injectable, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { IncomingMessage } from 'node:http';
import { securityConfig } from '../config/security.config';
import { clientIp, clientKey, compileTrust, TrustFunction } from './client-address';
import { OriginPolicy } from './origin-policy';
import { SecurityHeaderSet } from './security-header-set';

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
}

@Global()
@Module({
  providers: [
    ClientIdentityService,
    {
      provide: SecurityHeaderSet,
      inject: [securityConfig.KEY],
      useFactory: (config: ConfigType<typeof securityConfig>) => new SecurityHeaderSet({ enableHsts: config.enableHsts }),
    },
  ],
  exports: [ClientIdentityService, SecurityHeaderSet],
})
export class SecurityModule {}
