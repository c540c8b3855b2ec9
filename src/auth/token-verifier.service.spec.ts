import { createHmac } from 'node:crypto';
import { ManualClock } from '../../test/support/manual-clock';
import type { JwtAlgorithm } from '../config/auth-checks';
import { buildAuthSettings } from './auth-settings';
import {
  algNone,
  claimsAt,
  ecKeys,
  es256,
  hs256,
  hs256WithHeader,
  hs256WithPublicKey,
  OTHER_SECRET,
  rs256,
  rsaKeys,
  TEST_SECRET,
} from '../../test/support/test-tokens';
import { MAX_TOKEN_LENGTH, TokenVerifier } from './token-verifier.service';

const NOW = 1_750_000_000_000;
const nowSec = NOW / 1000;

function verifier(options: { algorithm?: JwtAlgorithm; issuer?: string; audience?: string; maxTtlHours?: number } = {}) {
  const algorithm = options.algorithm ?? 'HS256';
  const settings = buildAuthSettings({
    required: true,
    algorithm,
    secret: TEST_SECRET,
    publicKey: algorithm === 'RS256' ? rsaKeys().publicPem : algorithm === 'ES256' ? ecKeys().publicPem : undefined,
    issuer: options.issuer,
    audience: options.audience,
    maxTtlHours: options.maxTtlHours ?? 8,
    clockToleranceSec: 30,
    loginUrl: undefined,
    adminToken: undefined,
  });
  return new TokenVerifier(settings, new ManualClock(NOW));
}

const reasonOf = (result: ReturnType<TokenVerifier['verify']>) => (result.ok ? 'ok' : result.reason);

describe('TokenVerifier', () => {
  it('accepts a valid HS256 token and returns sub, jti and the expiry', () => {
    const claims = claimsAt(NOW, { sub: 'alice', jti: 'jti-1' });
    expect(verifier().verify(hs256(claims))).toEqual({ ok: true, user: { sub: 'alice', jti: 'jti-1', expiresAt: (nowSec + 3600) * 1000 } });
  });

  it('accepts valid RS256 and ES256 tokens when that algorithm is configured', () => {
    expect(reasonOf(verifier({ algorithm: 'RS256' }).verify(rs256(claimsAt(NOW))))).toBe('ok');
    expect(reasonOf(verifier({ algorithm: 'ES256' }).verify(es256(claimsAt(NOW))))).toBe('ok');
  });

  describe('refuses, with the reason of docs/authentication.md', () => {
    it.each([
      ['a bad signature (another secret)', () => verifier().verify(hs256(claimsAt(NOW), OTHER_SECRET)), 'invalid_signature'],
      ['a tampered payload', () => {
        const [header, , signature] = hs256(claimsAt(NOW, { sub: 'alice' })).split('.');
        const forged = Buffer.from(JSON.stringify(claimsAt(NOW, { sub: 'admin' }))).toString('base64url');
        return verifier().verify(`${header}.${forged}.${signature}`);
      }, 'invalid_signature'],
      ['alg none (unsigned)', () => verifier().verify(algNone(claimsAt(NOW))), 'algorithm'],
      ['alg none with RS256 configured', () => verifier({ algorithm: 'RS256' }).verify(algNone(claimsAt(NOW))), 'algorithm'],
      ['HS256 keyed with the RS256 public key (algorithm confusion)', () => verifier({ algorithm: 'RS256' }).verify(hs256WithPublicKey(claimsAt(NOW))), 'algorithm'],
      ['RS256 when HS256 is configured', () => verifier().verify(rs256(claimsAt(NOW))), 'algorithm'],
      ['ES256 when RS256 is configured', () => verifier({ algorithm: 'RS256' }).verify(es256(claimsAt(NOW))), 'algorithm'],
      ['expired beyond the 30 s tolerance', () => verifier().verify(hs256(claimsAt(NOW, { iat: nowSec - 3600, exp: nowSec - 31 }))), 'expired'],
      ['not yet valid (nbf) beyond the tolerance', () => verifier().verify(hs256(claimsAt(NOW, { nbf: nowSec + 60 }))), 'not_yet_valid'],
      ['issued in the future (iat) beyond the tolerance', () => verifier().verify(hs256(claimsAt(NOW, { iat: nowSec + 600, exp: nowSec + 1200 }))), 'not_yet_valid'],
      ['a wrong issuer', () => verifier({ issuer: 'https://id.example.com' }).verify(hs256(claimsAt(NOW, { iss: 'https://evil.example' }))), 'issuer'],
      ['no issuer when one is configured', () => verifier({ issuer: 'https://id.example.com' }).verify(hs256(claimsAt(NOW))), 'issuer'],
      ['a wrong audience', () => verifier({ audience: 'duck-e' }).verify(hs256(claimsAt(NOW, { aud: 'other-app' }))), 'audience'],
      ['no audience when one is configured', () => verifier({ audience: 'duck-e' }).verify(hs256(claimsAt(NOW))), 'audience'],
      ['a lifetime over JWT_MAX_TTL_HOURS', () => verifier({ maxTtlHours: 8 }).verify(hs256(claimsAt(NOW, { iat: nowSec - 60, exp: nowSec - 60 + 8 * 3600 + 1 }))), 'lifetime'],
      ['no iat (lifetime cannot be bounded)', () => verifier().verify(hs256(claimsAt(NOW, { iat: undefined }))), 'lifetime'],
      ['no exp', () => verifier().verify(hs256(claimsAt(NOW, { exp: undefined }))), 'malformed'],
      ['no sub', () => verifier().verify(hs256(claimsAt(NOW, { sub: undefined }))), 'malformed'],
      ['an empty sub', () => verifier().verify(hs256(claimsAt(NOW, { sub: '' }))), 'malformed'],
      ['no jti', () => verifier().verify(hs256(claimsAt(NOW, { jti: undefined }))), 'malformed'],
      ['a numeric jti', () => verifier().verify(hs256(claimsAt(NOW, { jti: 42 }))), 'malformed'],
      ['a string exp', () => verifier().verify(hs256(claimsAt(NOW, { exp: 'tomorrow' }))), 'malformed'],
      ['garbage', () => verifier().verify('not-a-token'), 'malformed'],
      ['two segments', () => verifier().verify(hs256(claimsAt(NOW)).split('.').slice(0, 2).join('.')), 'malformed'],
      ['a header that is not JSON', () => verifier().verify(`bm90IGpzb24.${hs256(claimsAt(NOW)).split('.').slice(1).join('.')}`), 'malformed'],
      ['an oversized token', () => verifier().verify(hs256(claimsAt(NOW, { pad: 'x'.repeat(MAX_TOKEN_LENGTH) }))), 'malformed'],
      ['a refresh-token type', () => verifier().verify(hs256WithHeader(claimsAt(NOW), { typ: 'refresh+jwt' })), 'malformed'],
      ['a critical extension', () => verifier().verify(hs256WithHeader(claimsAt(NOW), { crit: ['exp'] })), 'malformed'],
      ['both nbf in the future and exp in the past', () => verifier().verify(hs256(claimsAt(NOW, { iat: nowSec - 100, nbf: nowSec + 100, exp: nowSec - 50 }))), 'not_yet_valid'],
    ])('%s', (_name, run, reason) => {
      expect(reasonOf(run())).toBe(reason);
    });
  });

  it('tolerates 30 s of clock difference on exp, nbf and iat', () => {
    const v = verifier();
    expect(reasonOf(v.verify(hs256(claimsAt(NOW, { iat: nowSec - 3600, exp: nowSec - 29 }))))).toBe('ok');
    expect(reasonOf(v.verify(hs256(claimsAt(NOW, { nbf: nowSec + 29 }))))).toBe('ok');
    expect(reasonOf(v.verify(hs256(claimsAt(NOW, { iat: nowSec + 29, exp: nowSec + 3600 }))))).toBe('ok');
  });

  it('accepts exactly the maximum lifetime, and fractional maxima', () => {
    expect(reasonOf(verifier({ maxTtlHours: 8 }).verify(hs256(claimsAt(NOW, { exp: nowSec + 8 * 3600 }))))).toBe('ok');
    expect(reasonOf(verifier({ maxTtlHours: 0.5 }).verify(hs256(claimsAt(NOW, { exp: nowSec + 1801 }))))).toBe('lifetime');
  });

  it('accepts the configured issuer and an audience list containing ours', () => {
    const v = verifier({ issuer: 'https://id.example.com', audience: 'duck-e' });
    expect(reasonOf(v.verify(hs256(claimsAt(NOW, { iss: 'https://id.example.com', aud: ['other', 'duck-e'] }))))).toBe('ok');
  });

  it('takes the key only from configuration: a jwk/jku/kid header naming another key changes nothing', () => {
    const attacker = { kty: 'oct', k: Buffer.from(OTHER_SECRET).toString('base64url') };
    const withJwk = hs256WithHeader(claimsAt(NOW), { jwk: attacker, jku: 'https://evil.example/keys', kid: 'attacker' }, OTHER_SECRET);
    expect(reasonOf(verifier().verify(withJwk))).toBe('invalid_signature');
    // An unknown kid on a token signed with the configured key is harmless: there is one key.
    expect(reasonOf(verifier().verify(hs256WithHeader(claimsAt(NOW), { kid: 'unknown-kid' })))).toBe('ok');
  });

  it('accepts the usual typ values of an access token, in any case', () => {
    for (const typ of ['JWT', 'jwt', 'at+jwt', 'application/at+JWT']) {
      expect(reasonOf(verifier().verify(hs256WithHeader(claimsAt(NOW), { typ })))).toBe('ok');
    }
  });

  it('reads duplicate claim names the way the signature covered them (last one wins, consistently)', () => {
    const header = Buffer.from(JSON.stringify({ alg: 'HS256' })).toString('base64url');
    const claims = claimsAt(NOW, { sub: 'bob' });
    const json = JSON.stringify(claims).replace('{', '{"sub":"alice",');
    const input = `${header}.${Buffer.from(json).toString('base64url')}`;
    const token = `${input}.${createHmac('sha256', TEST_SECRET).update(input).digest('base64url')}`;
    const result = verifier().verify(token);
    expect(result.ok && result.user.sub).toBe('bob');
  });
});
