import { verify } from 'jsonwebtoken';
import { MintRequest, mintToken, parseTokenArgs, parseTtl, TokenCommandError } from './token-minter';
import { TEST_SECRET } from '../../test/support/test-tokens';

const NOW = 1_750_000_000_000;
const ENV = { JWT_SECRET_KEY: TEST_SECRET };

describe('token command', () => {
  it.each([
    ['90s', 90],
    ['30m', 1800],
    ['2h', 7200],
    ['1d', 86_400],
    ['1.5', 5400],
    ['2H', 7200],
  ])('reads the duration %p', (text, seconds) => {
    expect(parseTtl(text)).toBe(seconds);
  });

  it.each(['', 'soon', '-1h', '2w', '0s', '1h30m'])('refuses the duration %p', (text) => {
    expect(parseTtl(text)).toBeUndefined();
  });

  it('reads --sub, --ttl and --jti in both spellings, with a 1 h default', () => {
    expect(parseTokenArgs(['--sub', 'alice', '--ttl', '2h'])).toEqual({ sub: 'alice', ttlSec: 7200 });
    expect(parseTokenArgs(['--sub=bob', '--jti=fixed'])).toEqual({ sub: 'bob', ttlSec: 3600, jti: 'fixed' });
    expect(parseTokenArgs(['--help'])).toBeUndefined();
  });

  it('explains what is wrong with the arguments', () => {
    expect(() => parseTokenArgs([])).toThrow(/--sub is required/);
    expect(() => parseTokenArgs(['--sub'])).toThrow(/--sub needs a value/);
    expect(() => parseTokenArgs(['--sub', 'a', '--ttl', 'soon'])).toThrow(/not a duration/);
    expect(() => parseTokenArgs(['--user', 'a'])).toThrow(/Unknown argument "--user"/);
  });

  it('signs a token the service accepts: HS256 with sub, random jti, iat, exp, iss and aud', () => {
    const request: MintRequest = { sub: 'alice', ttlSec: 7200 };
    const minted = mintToken({ ...ENV, JWT_ISSUER: 'duck-e', JWT_AUDIENCE: 'duck-e-session' }, request, NOW);
    const claims = verify(minted.token, TEST_SECRET, { algorithms: ['HS256'], clockTimestamp: NOW / 1000 }) as Record<string, unknown>;
    expect(claims).toEqual({ sub: 'alice', jti: minted.jti, iat: NOW / 1000, exp: NOW / 1000 + 7200, iss: 'duck-e', aud: 'duck-e-session' });
    expect(minted.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(mintToken(ENV, request, NOW).jti).not.toBe(minted.jti);
  });

  it('refuses a lifetime over JWT_MAX_TTL_HOURS', () => {
    expect(() => mintToken({ ...ENV, JWT_MAX_TTL_HOURS: '2' }, { sub: 'a', ttlSec: 7201 }, NOW)).toThrow(/longer than JWT_MAX_TTL_HOURS \(2 h\)/);
    expect(() => mintToken(ENV, { sub: 'a', ttlSec: 9 * 3600 }, NOW)).toThrow(TokenCommandError);
  });

  it('refuses a missing, weak or placeholder secret, and RS256/ES256, never printing the secret', () => {
    expect(() => mintToken({}, { sub: 'a', ttlSec: 60 }, NOW)).toThrow(/JWT_SECRET_KEY is required/);
    expect(() => mintToken({ JWT_SECRET_KEY: 'short' }, { sub: 'a', ttlSec: 60 }, NOW)).toThrow(/^(?![\s\S]*short\.)[\s\S]*at least 32 bytes/);
    expect(() => mintToken({ JWT_SECRET_KEY: 'your-secret-key-here-change-in-production' }, { sub: 'a', ttlSec: 60 }, NOW)).toThrow(/placeholder/);
    expect(() => mintToken({ ...ENV, JWT_ALGORITHM: 'RS256' }, { sub: 'a', ttlSec: 60 }, NOW)).toThrow(/identity provider/);
  });
});
