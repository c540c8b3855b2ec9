import { OriginPolicy } from './origin-policy';

describe('OriginPolicy', () => {
  const policy = new OriginPolicy(['https://duck.example.com', 'https://*.example.org', 'http://localhost:3000']);

  it.each(['https://duck.example.com', 'https://app.example.org', 'https://a-b.example.org', 'http://localhost:3000'])(
    'lists %s',
    (origin) => expect(policy.isListed(origin)).toBe(true),
  );

  it.each([
    undefined,
    'null',
    'https://evil.example',
    'https://duck.example.com.evil',
    'https://duck.example.com:443',
    'https://duck.example.com/',
    'HTTPS://DUCK.EXAMPLE.COM',
    'http://duck.example.com',
    'https://example.org',
    'https://a.b.example.org',
    'https://evil.com#.example.org',
    'https://app.example.org.evil',
    'http://localhost:3001',
  ])('does not list %s', (origin) => expect(policy.isListed(origin)).toBe(false));

  it("allows the page's own origin for /session, by Host header", () => {
    expect(policy.isAllowedForSession('http://127.0.0.1:8000', '127.0.0.1:8000')).toBe(true);
    expect(policy.isAllowedForSession('https://ducke.local', 'DUCKE.local')).toBe(true);
    expect(policy.isAllowedForSession('http://127.0.0.1:8001', '127.0.0.1:8000')).toBe(false);
    expect(policy.isAllowedForSession(undefined, '127.0.0.1:8000')).toBe(false);
    expect(policy.isAllowedForSession('null', 'null')).toBe(false);
    expect(policy.isAllowedForSession('https://app.example.org', 'ducke.local')).toBe(true);
  });
});
