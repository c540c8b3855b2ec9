import { createSecretKey, type KeyObject } from 'node:crypto';
import type { ConfigType } from '@nestjs/config';
import { parsePublicKey, type JwtAlgorithm } from '../config/auth-checks';
import type { authConfig } from '../config/auth.config';

/** The auth rules in the units the module works with (key objects, ms). */
export interface AuthSettings {
  required: boolean;
  algorithm: JwtAlgorithm;
  /** The one verification key: the HS256 secret, or the RS256/ES256 public key. Undefined when auth is off and none is configured. */
  key?: KeyObject;
  issuer?: string;
  audience?: string;
  maxTtlMs: number;
  clockToleranceMs: number;
  loginUrl?: string;
  adminToken?: string;
}

export const AUTH_SETTINGS = Symbol('AUTH_SETTINGS');

/** Settings from validated config; environment validation has already refused a weak or unreadable key. */
export function buildAuthSettings(config: ConfigType<typeof authConfig>): AuthSettings {
  return {
    required: config.required,
    algorithm: config.algorithm,
    key: verificationKey(config),
    issuer: config.issuer,
    audience: config.audience,
    maxTtlMs: Math.round(config.maxTtlHours * 3_600_000),
    clockToleranceMs: config.clockToleranceSec * 1000,
    loginUrl: config.loginUrl,
    adminToken: config.adminToken,
  };
}

function verificationKey(config: ConfigType<typeof authConfig>): KeyObject | undefined {
  if (config.algorithm === 'HS256') {
    // Used as its UTF-8 bytes, as every JWT library does (docs/authentication.md).
    return config.secret ? createSecretKey(Buffer.from(config.secret, 'utf8')) : undefined;
  }
  const parsed = parsePublicKey(config.publicKey, config.algorithm);
  return 'key' in parsed ? parsed.key : undefined;
}
