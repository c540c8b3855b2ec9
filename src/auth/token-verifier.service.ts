import { Inject, Injectable } from '@nestjs/common';
import type { JwtPayload } from 'jsonwebtoken';
import { Clock } from '../common/clock';
import type { AuthenticatedUser } from '../common/session-ports';
import type { AuthRefusalReason } from './auth-refusal';
import { AUTH_SETTINGS, type AuthSettings } from './auth-settings';

export type Verification = { ok: true; user: AuthenticatedUser } | { ok: false; reason: AuthRefusalReason; detail?: string };

/** Far above any real token (an IdP token with many claims is 1–2 KB); bounds parsing work. */
export const MAX_TOKEN_LENGTH = 8192;
const MAX_CLAIM_LENGTH = 256;
/** `typ` values meaning "a JWT access token"; other kinds (refresh, logout, DPoP proofs) are refused (RFC 8725 §3.11). */
const ACCEPTED_TYPES = new Set(['jwt', 'at+jwt', 'application/jwt', 'application/at+jwt']);
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

type JsonWebToken = typeof import('jsonwebtoken');
let library: JsonWebToken | undefined;

/** jsonwebtoken (about 75 ms and 1.4 MB to load) is loaded only where tokens are checked. */
function jsonwebtoken(): JsonWebToken {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (library ??= require('jsonwebtoken') as JsonWebToken);
}

/**
 * Verifies a compact JWT as RFC 8725 asks: the algorithm is the configured one (never the
 * header's choice, so `none` and HS/RS confusion fail), the key comes only from configuration
 * (`kid`, `jku`, `x5u`, `jwk` headers are ignored), `exp`/`nbf` with a small clock tolerance,
 * `iss`/`aud` when configured, `sub` and `jti` required, and a bounded lifetime (`exp - iat`).
 * Synchronous and pure apart from the clock; revocation is checked by the caller.
 */
@Injectable()
export class TokenVerifier {
  constructor(
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
    private readonly clock: Clock,
  ) {
    // With auth on, at boot rather than on the first connection; with auth off, never.
    if (settings.required) jsonwebtoken();
  }

  verify(token: string): Verification {
    if (token.length > MAX_TOKEN_LENGTH) return fail('malformed', 'it is too long');
    if (!COMPACT_JWS.test(token)) return fail('malformed', 'it is not a token');
    const header = decodeSegment(token.slice(0, token.indexOf('.')));
    if (!header) return fail('malformed', 'it is not a token');
    if (header.alg !== this.settings.algorithm) return fail('algorithm');
    if (header.typ !== undefined && (typeof header.typ !== 'string' || !ACCEPTED_TYPES.has(header.typ.toLowerCase()))) {
      return fail('malformed', 'it is not an access token');
    }
    // RFC 7515 §4.1.11: extensions marked critical that we do not understand make the token invalid.
    if (header.crit !== undefined) return fail('malformed', 'it uses an unsupported extension');
    if (!this.settings.key) return fail('invalid_signature');

    const nowMs = this.clock.now();
    const toleranceSec = this.settings.clockToleranceMs / 1000;
    let payload: JwtPayload;
    try {
      const decoded = jsonwebtoken().verify(token, this.settings.key, {
        algorithms: [this.settings.algorithm],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        clockTolerance: toleranceSec,
        clockTimestamp: Math.floor(nowMs / 1000),
      });
      if (typeof decoded !== 'object' || decoded === null) return fail('malformed', 'it carries no claims');
      payload = decoded;
    } catch (error) {
      return fromLibraryError(error);
    }
    return this.checkClaims(payload, nowMs);
  }

  /** The claims jsonwebtoken does not require: exp, iat, sub, jti, and the lifetime bound. */
  private checkClaims(payload: JwtPayload, nowMs: number): Verification {
    const { exp, iat, sub, jti } = payload;
    if (typeof exp !== 'number' || !Number.isFinite(exp)) return fail('malformed', 'it has no expiry');
    if (!isClaimText(sub)) return fail('malformed', 'it names no user');
    if (!isClaimText(jti)) return fail('malformed', 'it has no token id');
    // Without iat the lifetime cannot be bounded; a future iat would stretch it past the maximum.
    if (typeof iat !== 'number' || !Number.isFinite(iat)) return fail('lifetime', 'it does not say when it was issued');
    if (iat * 1000 > nowMs + this.settings.clockToleranceMs) return fail('not_yet_valid');
    if ((exp - iat) * 1000 > this.settings.maxTtlMs) return fail('lifetime', `at most ${hours(this.settings.maxTtlMs)}`);
    return { ok: true, user: { sub, jti, expiresAt: exp * 1000 } };
  }
}

function fail(reason: AuthRefusalReason, detail?: string): Verification {
  return detail === undefined ? { ok: false, reason } : { ok: false, reason, detail };
}

function isClaimText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_CLAIM_LENGTH;
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** jsonwebtoken reports by class and message; map them onto the fixed reasons. */
function fromLibraryError(error: unknown): Verification {
  const { TokenExpiredError, NotBeforeError, JsonWebTokenError } = jsonwebtoken();
  if (error instanceof TokenExpiredError) return fail('expired');
  if (error instanceof NotBeforeError) return fail('not_yet_valid');
  if (!(error instanceof JsonWebTokenError)) return fail('malformed', 'it could not be checked');
  const message = error.message;
  if (message === 'invalid signature') return fail('invalid_signature');
  if (message === 'invalid algorithm' || message === 'jwt signature is required' || message.startsWith('secretOrPublicKey must be')) {
    return fail('algorithm');
  }
  if (message.startsWith('jwt audience invalid')) return fail('audience');
  if (message.startsWith('jwt issuer invalid')) return fail('issuer');
  return fail('malformed', 'it is not a valid token');
}

function hours(ms: number): string {
  const value = ms / 3_600_000;
  return `${Number.isInteger(value) ? value : value.toFixed(2)} hour${value === 1 ? '' : 's'}`;
}
