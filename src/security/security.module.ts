import { Global, Module } from '@nestjs/common';
import { ClientIdentityService } from './client-identity.service';

@Global()
@Module({
  providers: [ClientIdentityService],
  exports: [ClientIdentityService],
})
export class SecurityModule {}
