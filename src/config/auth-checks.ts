// Start-up checks of the authentication settings (docs/authentication.md: fail closed). Pure functions,
// shared by environment validation and the token command.
import { createPublicKey, type KeyObject } from 'node:crypto';

export type JwtAlgorithm = 'HS256' | 'RS256' | 'ES256';
export const JWT_ALGORITHMS: readonly JwtAlgorithm[] = ['HS256', 'RS256', 'ES256'];

/** RFC 7518 §3.2: an HS256 key must be at least as long as the hash output (32 bytes). */
export const MIN_SECRET_BYTES = 32;
/** Shorter admin bearers could be guessed by a distributed brute force despite the attempt limit. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;
/** An RSA key below this is breakable; RFC 7518 §3.3 requires 2048 bits. */
const MIN_RSA_BITS = 2048;

// Words that mark a value copied from a sample file rather than generated (the original shipped
// `your-secret-key-here-change-in-production` as its default and accepted it).
const PLACEHOLDER_WORDS = ['change', 'your-secret', 'your_secret', 'yoursecret', 'placeholder', 'example', 'replace', 'default', 'secret-key', 'secret_key'];
/** A generated secret of 32+ characters uses far more distinct characters than this. */
const MIN_DISTINCT_CHARACTERS = 10;

/** Why a shared secret (HS256 key, admin bearer) must not be used, or undefined when it is fine. */
export function weakSecretReason(value: string | undefined, minLength: number, unit: 'bytes' | 'characters'): string | undefined {
  value = value?.trim();
  if (value === undefined || value === '') return 'is required';
  const length = unit === 'bytes' ? Buffer.byteLength(value, 'utf8') : value.length;
  if (length < minLength) return `must be at least ${minLength} ${unit} (it is ${length}); generate one with: openssl rand -base64 48`;
  const lower = value.toLowerCase();
  if (PLACEHOLDER_WORDS.some((word) => lower.includes(word))) return 'looks like a placeholder; generate one with: openssl rand -base64 48';
  if (new Set(value).size < MIN_DISTINCT_CHARACTERS) return 'is too repetitive to be random; generate one with: openssl rand -base64 48';
  return undefined;
}

/** PEM text as configured; `\n` escapes (one-line env values) become real newlines. */
export function normalizePem(text: string): string {
  return text.includes('\\n') ? text.replace(/\\n/g, '\n') : text;
}

/** The public key for RS256 / ES256, or why JWT_PUBLIC_KEY cannot be used. */
export function parsePublicKey(pem: string | undefined, algorithm: 'RS256' | 'ES256'): { key: KeyObject } | { problem: string } {
  if (pem === undefined || pem.trim() === '') return { problem: `is required for ${algorithm}` };
  let key: KeyObject;
  try {
    key = createPublicKey(normalizePem(pem));
  } catch {
    return { problem: 'is not a readable PEM public key' };
  }
  const details = key.asymmetricKeyDetails ?? {};
  if (algorithm === 'RS256') {
    if (key.asymmetricKeyType !== 'rsa') return { problem: `must be an RSA public key for RS256 (it is ${key.asymmetricKeyType})` };
    if ((details.modulusLength ?? 0) < MIN_RSA_BITS) return { problem: `must be an RSA key of at least ${MIN_RSA_BITS} bits` };
  } else if (key.asymmetricKeyType !== 'ec' || details.namedCurve !== 'prime256v1') {
    return { problem: 'must be a P-256 (prime256v1) EC public key for ES256' };
  }
  return { key };
}

/**
 * Cross-variable problems of the auth settings, named by variable and never echoing a secret.
 * With AUTH_REQUIRED=true: HS256 needs a strong JWT_SECRET_KEY; RS256/ES256 a matching
 * JWT_PUBLIC_KEY. A configured ADMIN_TOKEN must be strong whether or not auth is on.
 */
export function authSettingProblems(env: Record<string, string | undefined>, authRequired: boolean): string[] {
  const problems: string[] = [];
  const algorithm = (env.JWT_ALGORITHM ?? 'HS256') as JwtAlgorithm;
  if (authRequired && JWT_ALGORITHMS.includes(algorithm)) {
    if (algorithm === 'HS256') {
      const reason = weakSecretReason(env.JWT_SECRET_KEY, MIN_SECRET_BYTES, 'bytes');
      if (reason) problems.push(`JWT_SECRET_KEY ${reason} (AUTH_REQUIRED=true with JWT_ALGORITHM=HS256)`);
    } else {
      const parsed = parsePublicKey(env.JWT_PUBLIC_KEY, algorithm);
      if ('problem' in parsed) problems.push(`JWT_PUBLIC_KEY ${parsed.problem} (AUTH_REQUIRED=true with JWT_ALGORITHM=${algorithm})`);
    }
  }
  if (env.ADMIN_TOKEN !== undefined) {
    const reason = weakSecretReason(env.ADMIN_TOKEN, MIN_ADMIN_TOKEN_LENGTH, 'characters');
    if (reason) problems.push(`ADMIN_TOKEN ${reason}`);
  }
  return problems;
}
