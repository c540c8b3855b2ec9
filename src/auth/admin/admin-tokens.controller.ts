import { Body, Controller, Header, HttpCode, Logger, Post, ServiceUnavailableException, UseGuards, ValidationPipe } from '@nestjs/common';
import { AuthMetrics } from '../auth.metrics';
import { RevocationList } from '../revocation-list.service';
import { AdminTokenGuard } from './admin-token.guard';
import { RevokeTokenDto } from './dto/revoke-token.dto';

export interface RevokeResponse {
  jti: string;
  revoked: true;
  /** When the entry leaves the list (the token cannot be used past it anyway). */
  until: string;
}

/** Operator actions on tokens (docs/authentication.md). Not counted by the page rate limits; the guard limits guessing. */
@Controller('admin/tokens')
@UseGuards(AdminTokenGuard)
export class AdminTokensController {
  private readonly logger = new Logger(AdminTokensController.name);

  constructor(
    private readonly revocations: RevocationList,
    private readonly metrics: AuthMetrics,
  ) {}

  /** Revoke a token by its jti: every live session using it ends, on every instance, within seconds. */
  @Post('revoke')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async revoke(@Body(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true })) body: RevokeTokenDto): Promise<RevokeResponse> {
    let until: number;
    try {
      until = await this.revocations.revoke(body.jti, body.exp);
    } catch (error) {
      this.logger.warn(`revocation not stored: ${(error as Error).message}`);
      throw new ServiceUnavailableException('The revocation could not be stored; nothing was revoked. Try again shortly.');
    }
    this.metrics.tokenRevoked();
    this.logger.log(`token revoked: jti ${JSON.stringify(body.jti)} until ${new Date(until).toISOString()}`);
    return { jti: body.jti, revoked: true, until: new Date(until).toISOString() };
  }
}
