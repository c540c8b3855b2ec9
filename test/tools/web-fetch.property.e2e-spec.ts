// web_fetch fuzzed over URL strings (fast-check, fixed seed) through the real app's tool catalog:
// any text the model could send as `url` ends as a refusal in words or a bounded page from the
// fake public site — never a crash, never a connection anywhere else. Names resolve through an
// injected table to the public site, private and loopback addresses, or nothing; the only allowed
// port is the public site's, and address literals are only ever paired with other ports, so no
// generated URL can leave the machine even if a check were wrong.
import fc from 'fast-check';
import type { ToolCatalog } from '../../src/common/session-ports';
import { FakeSite, page, redirect } from '../fakes/web/fake-site.server';
import { startTestApp, TestApp } from '../support/test-app';
import { toolContext } from './tool-kit';
import { call, catalogOf } from './tools-e2e-kit';
import { connectionsDuring, PUBLIC_SITE_ADDRESS, TableResolver, webFetchOverrides } from './web-fetch-kit';

const RUNS = 400;
const SEED = 20_261_204;
const OUTCOMES = ['ok', 'refused', 'not_found', 'upstream_error', 'invalid_arguments'];
const ANSWERS = [[PUBLIC_SITE_ADDRESS], ['127.0.0.1'], ['10.0.0.1'], ['169.254.169.254'], ['::1'], ['fd00::1'], [], [PUBLIC_SITE_ADDRESS, '192.168.0.1']];

/** A stable answer per name, so a name means the same thing throughout a run. */
function answerFor(name: string): string[] {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return ANSWERS[hash % ANSWERS.length];
}

describe('web_fetch over arbitrary URL strings (fast-check, 400 runs, fixed seed)', () => {
  let app: TestApp;
  let catalog: ToolCatalog;
  let site: FakeSite;
  let inside: FakeSite;
  const resolver = new TableResolver();

  beforeAll(async () => {
    site = await FakeSite.start(PUBLIC_SITE_ADDRESS);
    inside = await FakeSite.start('127.0.0.1');
    site
      .route('/article', page('text/html', `<title>T</title><article><p>${'Words of the article. '.repeat(300)}</p><script>evil()</script></article>`))
      .route('/plain', page('text/plain', 'plain words'))
      .route('/binary', page('application/octet-stream', 'x'))
      .route('/to-inside', redirect(`http://127.0.0.1:${inside.port}/`))
      .route('/to-name', redirect(`http://inside.example:${inside.port}/`));
    resolver.set('inside.example', ['127.0.0.1']).set('site.example', [PUBLIC_SITE_ADDRESS]);
    resolver.fallback = answerFor;
    app = await startTestApp(
      { REDIS_URL: undefined, RATE_LIMIT_WEB_FETCH: '1000000/minute', WEB_FETCH_ALLOWED_PORTS: String(site.port), LOG_LEVEL: 'fatal' },
      webFetchOverrides(resolver, { totalTimeoutMs: 3_000, connectTimeoutMs: 1_000 }),
    );
    catalog = catalogOf(app);
  });
  afterAll(async () => {
    await app.close();
    await Promise.all([site.stop(), inside.stop()]);
  });

  it('only refusals or bounded fetches from the public site; nothing else is ever connected to', async () => {
    const otherPort = fc.constantFrom('', ':80', ':443', ':22', ':8080', ':6379', ':0', ':99999');
    const literal = fc.oneof(
      fc.ipV4(),
      fc.ipV4Extended(),
      fc.ipV6().map((ip) => `[${ip}]`),
      fc.constantFrom('0x7f.1', '2130706433', '0177.0.0.1', '[::ffff:127.0.0.1]', '[::]', '0', '127.1', '169.254.169.254', '[fe80::1%25eth0]', '①②⑦.0.0.1', '1.1', '8.8.8.8'),
    );
    const path = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('/article', '/plain', '/article', '/plain', '/binary', '/to-inside', '/to-name', '/missing', '/') }, fc.webPath());
    const name = fc.oneof(fc.domain(), fc.constantFrom('inside.example', 'site.example', 'localhost', 'metadata', 'printer.local', 'xn--bcher-kva.de', 'ⓔⓧⓐⓜⓟⓛⓔ.com'));
    const scheme = fc.constantFrom('http://', 'https://', 'HTTP://', '', 'ftp://', 'file://', 'javascript:', 'gopher://', 'http:\\\\', '//');
    const credentials = fc.constantFrom('', '', '', 'user:pass@', 'user@', '127.0.0.1:80@');
    const url = fc.oneof(
      // The public site, with any path, query or fragment: read, not found, or a refused hop.
      { weight: 4, arbitrary: fc.tuple(fc.constantFrom('http://', 'HTTP://', 'http:\\\\'), path, fc.webQueryParameters(), fc.webFragments()).map(([s, p, q, f]) => `${s}site.example:${site.port}${p}?${q}#${f}`) },
      // Names on the public site's port: resolved through the table, checked, maybe fetched.
      { weight: 4, arbitrary: fc.tuple(scheme, credentials, name, path).map(([s, c, n, p]) => `${s}${c}${n}:${site.port}${p}`) },
      // Literals and names on other ports: every one must be refused before any connection.
      { weight: 3, arbitrary: fc.tuple(scheme, credentials, fc.oneof(literal, name), otherPort, path).map(([s, c, h, o, p]) => `${s}${c}${h}${o}${p}`) },
      { weight: 1, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }).filter((text) => !text.includes(`:${site.port}`)) },
      { weight: 1, arbitrary: fc.string({ maxLength: 80 }).filter((text) => !text.includes(String(site.port))) },
    );
    const seen = new Map<string, number>();
    const maxChars = fc.option(fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 200, max: 20_000 }) }, fc.integer({ min: -5, max: 30_000 })), { nil: undefined });

    const { sockets, attempts } = await connectionsDuring(() =>
      fc.assert(
        fc.asyncProperty(url, maxChars, async (text, max) => {
          const started = Date.now();
          const result = await call(catalog, 'web_fetch', max === undefined ? { url: text } : { url: text, max_chars: max }, toolContext('203.0.113.5'));
          expect(OUTCOMES).toContain(result.outcome);
          seen.set(result.outcome, (seen.get(result.outcome) ?? 0) + 1);
          expect(Date.now() - started).toBeLessThan(15_000);
          if (result.outcome === 'ok') {
            expect(typeof result.body.content).toBe('string');
            expect((result.body.content as string).length).toBeLessThanOrEqual(max ?? 4_000);
            expect(result.body.url).toMatch(new RegExp(`^https?://[^/]+:${site.port}/`));
            expect(result.body.content).not.toContain('evil()');
          } else {
            expect(typeof result.body.message).toBe('string');
          }
        }),
        { numRuns: RUNS, seed: SEED },
      ),
    );
    // The run exercised both sides: pages read and refusals given.
    expect({ ok: (seen.get('ok') ?? 0) > 20, refused: (seen.get('refused') ?? 0) > 100 }).toEqual({ ok: true, refused: true });
    // Every connection attempt the whole run made went to the public site's address and port.
    expect(attempts.filter((attempt) => attempt !== `${PUBLIC_SITE_ADDRESS}:${site.port}`)).toEqual([]);
    expect(sockets).toBeGreaterThan(0);
    expect(inside.connections).toBe(0);
  });
});
