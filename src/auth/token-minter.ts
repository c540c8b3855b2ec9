// `npm run token`: signed HS256 tokens for small deployments without an identity provider.
// Pure functions here (tested); token.command.ts is the thin entry point.
import { randomUUID } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { MIN_SECRET_BYTES, weakSecretReason } from '../config/auth-checks';
import { parsePositiveDecimal } from '../config/env-parsers';

export interface MintRequest {
  sub: string;
  /** Lifetime in seconds. */
  ttlSec: number;
  jti?: string;
}

export interface MintedToken {
  token: string;
  sub: string;
  jti: string;
  /** Epoch seconds. */
  iat: number;
  exp: number;
}

/** A refusal the command prints as is (never containing the secret). */
export class TokenCommandError extends Error {}

export const TOKEN_USAGE = `Usage: npm run -s token -- --sub <user> [--ttl <duration>] [--jti <id>]

Prints an HS256 token signed with JWT_SECRET_KEY (from .env or the environment) for
DUCK-E's /session: send it as the ducke_token cookie or as Authorization: Bearer.

  --sub   who the token is for (required; per-user limits count on it)
  --ttl   lifetime: 90s, 30m, 2h, 1d or plain hours (default 1h; at most JWT_MAX_TTL_HOURS)
  --jti   token id to revoke it by later (default: a random UUID)

iss and aud are set from JWT_ISSUER / JWT_AUDIENCE when configured.`;

const UNIT_SEC: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90s`, `30m`, `2h`, `1d`, or a plain number of hours; undefined when unreadable. */
export function parseTtl(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/i.exec(text);
  if (!match) return undefined;
  const seconds = Number(match[1]) * UNIT_SEC[(match[2] || 'h').toLowerCase()];
  return seconds >= 1 ? Math.round(seconds) : undefined;
}

/** `--sub alice --ttl 2h` (also `--sub=alice`) → the request; `undefined` for --help. */
export function parseTokenArgs(args: readonly string[]): MintRequest | undefined {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') return undefined;
    const match = /^--(sub|ttl|jti)(?:=(.*))?$/.exec(arg);
    if (!match) throw new TokenCommandError(`Unknown argument ${JSON.stringify(arg)}.\n\n${TOKEN_USAGE}`);
    const value = match[2] ?? args[++i];
    if (value === undefined || value === '') throw new TokenCommandError(`--${match[1]} needs a value.\n\n${TOKEN_USAGE}`);
    values.set(match[1], value);
  }
  const sub = values.get('sub');
  if (!sub) throw new TokenCommandError(`--sub is required.\n\n${TOKEN_USAGE}`);
  if (sub.length > 256) throw new TokenCommandError('--sub is longer than 256 characters.');
  const ttlText = values.get('ttl') ?? '1h';
  const ttlSec = parseTtl(ttlText);
  if (ttlSec === undefined) throw new TokenCommandError(`--ttl ${JSON.stringify(ttlText)} is not a duration like 90s, 30m, 2h or 1d.`);
  const jti = values.get('jti');
  if (jti !== undefined && jti.length > 256) throw new TokenCommandError('--jti is longer than 256 characters.');
  return { sub, ttlSec, ...(jti ? { jti } : {}) };
}

/** Sign a token under the validated configuration; refuses what the service would refuse. */
export function mintToken(env: Record<string, string | undefined>, request: MintRequest, nowMs: number): MintedToken {
  const algorithm = env.JWT_ALGORITHM ?? 'HS256';
  if (algorithm !== 'HS256') {
    throw new TokenCommandError(`JWT_ALGORITHM is ${algorithm}: tokens come from your identity provider; this command signs HS256 only.`);
  }
  const secret = env.JWT_SECRET_KEY?.trim();
  const weakness = weakSecretReason(secret, MIN_SECRET_BYTES, 'bytes');
  if (weakness || secret === undefined) throw new TokenCommandError(`JWT_SECRET_KEY ${weakness ?? 'is required'}.`);
  const maxTtlHours = parsePositiveDecimal(env.JWT_MAX_TTL_HOURS ?? '8') ?? 8;
  if (request.ttlSec > maxTtlHours * 3600) {
    throw new TokenCommandError(`--ttl is longer than JWT_MAX_TTL_HOURS (${maxTtlHours} h): DUCK-E would refuse this token.`);
  }
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + request.ttlSec;
  const jti = request.jti ?? randomUUID();
  const claims: Record<string, unknown> = { sub: request.sub, jti, iat, exp };
  if (env.JWT_ISSUER) claims.iss = env.JWT_ISSUER.trim();
  if (env.JWT_AUDIENCE) claims.aud = env.JWT_AUDIENCE.trim();
  const token = sign(claims, Buffer.from(secret, 'utf8'), { algorithm: 'HS256', header: { alg: 'HS256', typ: 'JWT' } });
  return { token, sub: request.sub, jti, iat, exp };
}

