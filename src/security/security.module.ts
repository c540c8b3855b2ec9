import { Global, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { securityConfig } from '../config/security.config';
import { ClientIdentityService } from './client-identity.service';
import { SecurityHeaderSet } from './security-header-set';

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
