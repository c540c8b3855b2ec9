import { parseOriginList, parseRateLimit, parseTrustProxy } from './env-parsers';
import { ConfigValidationError, validateEnvironment } from './environment';

describe('environment validation', () => {
  it('accepts an empty environment (every variable has a default)', () => {
    expect(validateEnvironment({})).toEqual({});
  });

  it('accepts the documented forms', () => {
    const env = {
      RATE_LIMIT_STATUS: '60/minute',
      RATE_LIMIT_WEATHER_API: '10/hours',
      COST_PROTECTION_MAX_SESSION_COST_USD: '0.05',
      COST_PROTECTION_MAX_SESSION_DURATION_MINUTES: '0.5',
      REDIS_URL: 'redis://redis:6379/0',
      TRUST_PROXY: 'loopback, 10.0.0.0/8',
      ALLOWED_ORIGINS: 'https://duck.example.com,https://*.example.org',
      ENABLE_HSTS: 'true',
      JWT_ALGORITHM: 'RS256',
    };
    expect(validateEnvironment(env)).toEqual(env);
  });

  it('names every invalid variable and what it should look like', () => {
    let error: ConfigValidationError | undefined;
    try {
      validateEnvironment({ RATE_LIMIT_STATUS: 'lots', COST_PROTECTION_MAX_SESSION_COST_USD: '-1', ENABLE_METRICS: 'maybe' });
    } catch (caught) {
      error = caught as ConfigValidationError;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect(error?.problems).toHaveLength(3);
    expect(error?.message).toContain('RATE_LIMIT_STATUS="lots" must be <count>/<second|minute|hour|day>');
    expect(error?.message).toContain('COST_PROTECTION_MAX_SESSION_COST_USD="-1" must be a positive amount');
    expect(error?.message).toContain('ENABLE_METRICS="maybe" must be true or false');
  });

  it('names the variable once, also in class-validator\'s own messages', () => {
    expect(() => validateEnvironment({ REALTIME_VOICE: 'duck' })).toThrow('REALTIME_VOICE="duck" must be one of the following values: alloy');
    expect(() => validateEnvironment({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL="loud" must be one of/);
    expect(() => validateEnvironment({ HOST: 'h'.repeat(300) })).toThrow(/HOST="h+" must be shorter than or equal to 255 characters/);
  });

  it('never echoes a secret value', () => {
    expect(() => validateEnvironment({ REDIS_URL: 'http://user:hunter2@host' })).toThrow(/^(?![\s\S]*hunter2)/);
  });

  it('treats empty values as unset and ignores variables it does not know', () => {
    expect(validateEnvironment({ PORT: '', PATH: '/usr/bin', HOME: '/root' })).toEqual({});
  });
});

describe('parsers', () => {
  it.each([
    ['60/minute', { limit: 60, windowMs: 60_000 }],
    ['5/second', { limit: 5, windowMs: 1_000 }],
    ['10/hours', { limit: 10, windowMs: 3_600_000 }],
    [' 2 / day ', { limit: 2, windowMs: 86_400_000 }],
  ])('parses the rate limit %p', (text, expected) => {
    expect(parseRateLimit(text)).toMatchObject(expected);
  });

  it.each(['lots', '0/minute', '60/fortnight', '60', '-5/minute', '1.5/minute'])('refuses the rate limit %p', (text) => {
    expect(parseRateLimit(text)).toBeUndefined();
  });

  it.each([
    ['off', false],
    ['', false],
    ['1', 1],
    ['loopback', ['loopback']],
    ['10.0.0.0/8, 192.168.1.1', ['10.0.0.0/8', '192.168.1.1']],
    ['fd00::/8', ['fd00::/8']],
  ])('parses TRUST_PROXY=%p', (text, expected) => {
    expect(parseTrustProxy(text)).toEqual(expected);
  });

  it.each(['true', 'everyone', '10.0.0.0/33', '300.1.1.1', '11'])('refuses TRUST_PROXY=%p', (text) => {
    expect(parseTrustProxy(text)).toBeUndefined();
  });

  it('refuses origins with paths, credentials or deep wildcards', () => {
    expect(parseOriginList('https://a.example.com/path')).toBeUndefined();
    expect(parseOriginList('https://user@a.example.com')).toBeUndefined();
    expect(parseOriginList('https://*.*.example.com')).toBeUndefined();
    expect(parseOriginList('*')).toBeUndefined();
    expect(parseOriginList('https://A.Example.com:8443')).toEqual(['https://a.example.com:8443']);
  });
});
