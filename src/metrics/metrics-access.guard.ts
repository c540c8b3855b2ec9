import { CanActivate, ExecutionContext, Inject, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { metricsConfig } from '../config/metrics.config';

/** The token presented as `Authorization: Bearer <token>`, or undefined. */
export function bearerTokenOf(header: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * Compares in time independent of where the strings differ and of their lengths: both sides are
 * hashed to 32 bytes first, so timingSafeEqual always compares equal-length buffers.
 */
export function tokensMatch(presented: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * ENABLE_METRICS=false → 404, answered exactly like a route that does not exist (an off
 * endpoint should not advertise itself). METRICS_TOKEN set → 401 unless the bearer token matches.
 */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  constructor(@Inject(metricsConfig.KEY) private readonly config: ConfigType<typeof metricsConfig>) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    if (!this.config.enabled) throw new NotFoundException(`Cannot ${request.method} ${request.path}`);
    if (!this.config.token) return true;

    const presented = bearerTokenOf(request.headers.authorization);
    if (presented !== undefined && tokensMatch(presented, this.config.token)) return true;
    http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
    throw new UnauthorizedException('A valid bearer token is required for /metrics');
  }
}
