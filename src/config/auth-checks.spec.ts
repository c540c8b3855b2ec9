import { generateKeyPairSync } from 'node:crypto';
import { ecKeys, rsaKeys, TEST_SECRET } from '../../test/support/test-tokens';
import { authSettingProblems, weakSecretReason } from './auth-checks';
import { ConfigValidationError, validateEnvironment } from './environment';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    validateEnvironment(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
};

describe('auth settings at start-up (fail closed)', () => {
  it('needs nothing while auth is off', () => {
    expect(problemsOf({ AUTH_REQUIRED: 'false' })).toEqual([]);
  });

  it.each([
    ['missing', undefined, /JWT_SECRET_KEY is required/],
    ['short (31 bytes)', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P', /at least 32 bytes \(it is 31\)/],
    ['the original default', 'your-secret-key-here-change-in-production', /placeholder/],
    ['a sample value', 'replace-me-with-a-long-random-string-please-now', /placeholder/],
    ['repetitive', 'abababababababababababababababababababab', /too repetitive/],
  ])('refuses an HS256 secret that is %s, without echoing it', (_name, secret, message) => {
    const problems = problemsOf({ AUTH_REQUIRED: 'true', ...(secret ? { JWT_SECRET_KEY: secret } : {}) });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
    if (secret) expect(problems[0]).not.toContain(secret);
  });

  it('counts the secret in UTF-8 bytes', () => {
    // 16 characters, 32 bytes: long enough by the contract's rule.
    expect(weakSecretReason('ÄÖÜäöüßéèêàáâçñø', 32, 'bytes')).toBeUndefined();
  });

  it('accepts a generated secret', () => {
    expect(problemsOf({ AUTH_REQUIRED: 'true', JWT_SECRET_KEY: TEST_SECRET })).toEqual([]);
  });

  it('requires a readable public key of the right kind for RS256 / ES256', () => {
    expect(problemsOf({ AUTH_REQUIRED: 'true', JWT_ALGORITHM: 'RS256' })).toEqual([expect.stringMatching(/JWT_PUBLIC_KEY is required for RS256/)]);
    expect(problemsOf({ AUTH_REQUIRED: 'true', JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY: 'not a pem' })).toEqual([
      expect.stringMatching(/not a readable PEM/),
    ]);
    expect(problemsOf({ AUTH_REQUIRED: 'true', JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY: ecKeys().publicPem })).toEqual([
      expect.stringMatching(/must be an RSA public key/),
    ]);
    expect(problemsOf({ AUTH_REQUIRED: 'true', JWT_ALGORITHM: 'ES256', JWT_PUBLIC_KEY: rsaKeys().publicPem })).toEqual([
      expect.stringMatching(/P-256/),
    ]);
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(problemsOf({ AUTH_REQUIRED: 'true', JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY: small })).toEqual([expect.stringMatching(/2048 bits/)]);
  });

  it('accepts a PEM public key written on one line with \\n escapes', () => {
    const oneLine = rsaKeys().publicPem.trim().replace(/\n/g, '\\n');
    expect(problemsOf({ AUTH_REQUIRED: 'true', JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY: oneLine })).toEqual([]);
    expect(problemsOf({ AUTH_REQUIRED: 'true', JWT_ALGORITHM: 'ES256', JWT_PUBLIC_KEY: ecKeys().publicPem })).toEqual([]);
  });

  it('refuses a weak ADMIN_TOKEN whether or not auth is on', () => {
    expect(authSettingProblems({ ADMIN_TOKEN: 'admin' }, false)).toEqual([expect.stringMatching(/ADMIN_TOKEN must be at least 32 characters/)]);
    expect(authSettingProblems({ ADMIN_TOKEN: TEST_SECRET }, false)).toEqual([]);
  });

  it('validates JWT_CLOCK_TOLERANCE_SECONDS', () => {
    expect(problemsOf({ JWT_CLOCK_TOLERANCE_SECONDS: '301' })).toEqual([expect.stringMatching(/JWT_CLOCK_TOLERANCE_SECONDS="301"/)]);
    expect(problemsOf({ JWT_CLOCK_TOLERANCE_SECONDS: '0' })).toEqual([]);
  });
});
