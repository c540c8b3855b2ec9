import { startTestApp, TestApp } from '../support/test-app';

function expectSecurityHeaders(headers: Headers): void {
  const csp = headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).not.toContain('unsafe-eval');
  expect(csp).not.toMatch(/script-src[^;]*https?:/);
  expect(csp).toMatch(/connect-src 'self'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("base-uri 'none'");
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  expect(headers.get('permissions-policy')).toContain('microphone=(self)');
  expect(headers.get('cross-origin-opener-policy')).toBe('same-origin');
  expect(headers.get('x-powered-by')).toBeNull();
}

describe('security headers and CORS', () => {
  let app: TestApp;
  beforeAll(async () => (app = await startTestApp({ ALLOWED_ORIGINS: 'https://duck.example.com,https://*.allowed.test', ENABLE_HSTS: 'false' })));
  afterAll(() => app.close());

  it.each(['/', '/status', '/no-such-page', '/static/styles.css'])('%s carries every header of docs/protocol.md', async (path) => {
    const response = await fetch(`${app.url}${path}`);
    expectSecurityHeaders(response.headers);
    expect(response.headers.get('strict-transport-security')).toBeNull();
    expect(response.headers.get('x-request-id')).toMatch(/^[\w.:-]{1,64}$/);
  });

  it('serves the page as HTML that loads only self-hosted scripts', async () => {
    const response = await fetch(`${app.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('DUCK-E');
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(body.trim()).toBe(''); // no inline script
      expect(attributes).toMatch(/src="\/static\//);
    }
  });

  it('404s unknown paths with JSON, not a stack trace', async () => {
    const response = await fetch(`${app.url}/no-such-page`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toMatch(/at .*\.js/);
  });

  it('keeps an incoming X-Request-Id that is plain, and replaces one that is not', async () => {
    const kept = await fetch(`${app.url}/status`, { headers: { 'X-Request-Id': 'trace-123' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-123');
    const replaced = await fetch(`${app.url}/status`, { headers: { 'X-Request-Id': 'bad id <script>' } });
    expect(replaced.headers.get('x-request-id')).not.toContain('script');
  });

  it('names this host in connect-src without echoing a hostile Host header', async () => {
    const { request } = await import('node:http');
    const csp = await new Promise<string>((resolve, reject) => {
      const req = request(`${app.url}/status`, { headers: { Host: "evil; script-src *" } }, (res) => {
        res.resume();
        resolve(String(res.headers['content-security-policy']));
      });
      req.on('error', reject);
      req.end();
    });
    expect(csp).not.toContain('script-src *');
  });

  describe('CORS', () => {
    it.each(['https://duck.example.com', 'https://app.allowed.test'])('echoes the allowed origin %s exactly', async (origin) => {
      const response = await fetch(`${app.url}/status`, { headers: { Origin: origin } });
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    });

    it.each(['https://evil.example', 'null', 'https://duck.example.com.evil', 'https://a.b.allowed.test', 'HTTPS://DUCK.EXAMPLE.COM', 'https://duck.example.com/'])(
      'gives the foreign origin %s no CORS grant',
      async (origin) => {
        const response = await fetch(`${app.url}/status`, { headers: { Origin: origin } });
        expect(response.headers.get('access-control-allow-origin')).toBeNull();
      },
    );

    it('answers an allowed preflight and refuses a foreign one', async () => {
      const allowed = await fetch(`${app.url}/status`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://duck.example.com', 'Access-Control-Request-Method': 'GET' },
      });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://duck.example.com');
      const foreign = await fetch(`${app.url}/status`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
      });
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('with ENABLE_HSTS=true', () => {
    let hsts: TestApp;
    beforeAll(async () => (hsts = await startTestApp({ ENABLE_HSTS: 'true' })));
    afterAll(() => hsts.close());

    it('sends Strict-Transport-Security for at least a year', async () => {
      const header = (await fetch(`${hsts.url}/status`)).headers.get('strict-transport-security') ?? '';
      const maxAge = Number(/max-age=(\d+)/.exec(header)?.[1]);
      expect(maxAge).toBeGreaterThanOrEqual(31_536_000);
      expect(header).toContain('includeSubDomains');
    });
  });

  it('refuses request bodies over the limit', async () => {
    const response = await fetch(`${app.url}/status`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ filler: 'x'.repeat(64 * 1024) }),
    });
    expect(response.status).toBe(413);
  });
});
