// Token fixtures for the auth specs (unit and e2e): real keys, tokens signed by jsonwebtoken, and
// the hand-made attack tokens (alg none, HS256 keyed with the RSA public key) that no library signs.
import { createHmac, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { sign } from 'jsonwebtoken';

/** 48 random-looking characters, strong by the start-up check. */
export const TEST_SECRET = 'k7Qm2vX9pL4sN8wR1tY6uB3eH5jC0dF7gA9zK2xV4nM8qP1s';
export const OTHER_SECRET = 'Z3bT8nW1qL6mR9vK2xC5pH7jD0sF4gY8uA1eN3tB6wQ9zM2k';

export interface KeyPairPem {
  privateKey: KeyObject;
  publicPem: string;
}

let rsa: KeyPairPem | undefined;
let ec: KeyPairPem | undefined;

export function rsaKeys(): KeyPairPem {
  if (!rsa) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    rsa = { privateKey: pair.privateKey, publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
  }
  return rsa;
}

export function ecKeys(): KeyPairPem {
  if (!ec) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    ec = { privateKey: pair.privateKey, publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
  }
  return ec;
}

/** Any claims, deliberately loose: the specs also sign wrong types (a numeric jti, a string exp). */
export type Claims = Record<string, unknown>;

/** Claims of a valid token at `nowMs`: 1 h lifetime, fresh jti. Override or drop (undefined) any. */
export function claimsAt(nowMs: number, overrides: Claims = {}): Claims {
  const iat = Math.floor(nowMs / 1000);
  const claims: Claims = { sub: 'alice', jti: randomUUID(), iat, exp: iat + 3600, ...overrides };
  for (const key of Object.keys(claims)) if (claims[key] === undefined) delete claims[key];
  return claims;
}

/** HS256, claims exactly as given (hand-made, so a missing iat stays missing). */
export function hs256(claims: Claims, secret = TEST_SECRET): string {
  return hs256WithHeader(claims, { typ: 'JWT' }, secret);
}

/** RS256 through jsonwebtoken (claims carry iat, which the library keeps). */
export function rs256(claims: Claims, key = rsaKeys().privateKey): string {
  return sign(claims, key, { algorithm: 'RS256' });
}

export function es256(claims: Claims, key = ecKeys().privateKey): string {
  return sign(claims, key, { algorithm: 'ES256' });
}

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned token: `{"alg":"none"}` and an empty signature. */
export function algNone(claims: Claims): string {
  return `${segment({ alg: 'none', typ: 'JWT' })}.${segment(claims)}.`;
}

/** CVE-2022-23540 style: an HS256 token whose HMAC key is the server's RSA public key PEM. */
export function hs256WithPublicKey(claims: Claims, publicPem = rsaKeys().publicPem): string {
  const input = `${segment({ alg: 'HS256', typ: 'JWT' })}.${segment(claims)}`;
  return `${input}.${createHmac('sha256', publicPem).update(input).digest('base64url')}`;
}

/** A correctly signed HS256 token with a hand-written header (typ, crit, jwk…). */
export function hs256WithHeader(claims: Claims, header: Record<string, unknown>, secret = TEST_SECRET): string {
  const input = `${segment({ alg: 'HS256', ...header })}.${segment(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
