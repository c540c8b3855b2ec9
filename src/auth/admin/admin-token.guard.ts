import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { CanActivate, ExecutionContext, Inject, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { ClientIdentityService } from '../../security/client-identity.service';
import { AUTH_SETTINGS, type AuthSettings } from '../auth-settings';
import { bearerToken } from '../token-source';
import { AdminAttempts, AdminLockedOutException } from './admin-attempts.service';

/**
 * `Authorization: Bearer <ADMIN_TOKEN>` on the admin endpoints. Unset ADMIN_TOKEN: the endpoints
 * do not exist (404, as any unknown route). A wrong bearer: 401, counted against the client's
 * brute-force allowance. The comparison takes the same time whatever the bearer.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expectedDigest: Buffer | undefined;

  constructor(
    @Inject(AUTH_SETTINGS) settings: AuthSettings,
    private readonly attempts: AdminAttempts,
    private readonly identity: ClientIdentityService,
  ) {
    this.expectedDigest = settings.adminToken === undefined ? undefined : digest(settings.adminToken);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    if (!this.expectedDigest) throw new NotFoundException(`Cannot ${req.method} ${req.path}`);
    const clientKey = this.identity.keyOf(req);
    const lockedOutFor = await this.attempts.lockedOutFor(clientKey);
    if (lockedOutFor !== undefined) {
      http.getResponse<Response>().setHeader('Retry-After', String(lockedOutFor));
      throw new AdminLockedOutException(lockedOutFor);
    }
    const presented = bearerToken(req.headers.authorization);
    // Digests have one length, so timingSafeEqual runs whatever the presented length.
    if (presented !== undefined && timingSafeEqual(digest(presented), this.expectedDigest)) return true;
    await this.attempts.recordFailure(clientKey);
    http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="duck-e-admin"');
    throw new UnauthorizedException('A valid admin bearer token is required.');
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
