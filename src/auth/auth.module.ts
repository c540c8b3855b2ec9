import { Global, Module } from '@nestjs/common';
import { AUTH_PARTICIPANT } from '../common/session-lifecycle';
import { SESSION_AUTHENTICATOR } from '../common/session-ports';
import { authConfig } from '../config/auth.config';
import { AdminAttempts } from './admin/admin-attempts.service';
import { AdminTokenGuard } from './admin/admin-token.guard';
import { AdminTokensController } from './admin/admin-tokens.controller';
import { AuthParticipant } from './auth.participant';
import { AUTH_SETTINGS, buildAuthSettings } from './auth-settings';
import { AuthStatusReporter } from './auth-status.reporter';
import { AUTH_METRIC_PROVIDERS, AuthMetrics } from './auth.metrics';
import { RevocationList } from './revocation-list.service';
import { SessionAuthenticatorService } from './session-authenticator.service';
import { TokenVerifier } from './token-verifier.service';

/**
 * Optional JWT authentication (AUTH_REQUIRED): token verification, the jti revocation list with its
 * admin endpoint, SESSION_AUTHENTICATOR, and its session participant (AUTH_PARTICIPANT). Global, so
 * the realtime module injects the tokens without importing this module.
 */
@Global()
@Module({
  controllers: [AdminTokensController],
  providers: [
    { provide: AUTH_SETTINGS, inject: [authConfig.KEY], useFactory: buildAuthSettings },
    ...AUTH_METRIC_PROVIDERS,
    AuthMetrics,
    TokenVerifier,
    RevocationList,
    SessionAuthenticatorService,
    AdminAttempts,
    AdminTokenGuard,
    AuthStatusReporter,
    { provide: SESSION_AUTHENTICATOR, useExisting: SessionAuthenticatorService },
    AuthParticipant,
    { provide: AUTH_PARTICIPANT, useExisting: AuthParticipant },
  ],
  exports: [SESSION_AUTHENTICATOR, AUTH_PARTICIPANT],
})
export class AuthModule {}
