import { LoadClient } from '../reliability/support/load-client';
import { RealtimeApp, startRealtimeApp } from '../realtime/support/realtime-app';
import { rawRequest, upgradeRequest } from './support/raw-socket';

// Cross-site WebSocket hijacking (issue 9; OWASP WebSocket cheat sheet, ASVS 4.4.2): a page on
// another site, a sandboxed or file: page (`null`), a look-alike domain, case and trailing-slash
// variants of an allowed origin, a missing Origin, and two Origin headers at once — every one
// refused with HTTP 403 at the upgrade, before a socket exists, while a conversation from an
// allowed origin runs beside them; and not one request reaches OpenAI.

const ALLOWED = 'https://allowed.example';

describe('cross-site WebSocket hijacking: /session from origins that are not the page’s', () => {
  let env: RealtimeApp;
  let own: URL;

  beforeAll(async () => {
    env = await startRealtimeApp({ ALLOWED_ORIGINS: `${ALLOWED},https://*.ducks.example` });
    own = new URL(env.app.url);
  });
  afterAll(() => env.close());

  const hostile = (): Array<[string, string | null]> => [
    ['a foreign site', 'https://evil.example'],
    ['a sandboxed or file: page', 'null'],
    ['no Origin at all', null],
    ['a look-alike suffix', 'https://allowed.example.evil'],
    ['a look-alike subdomain', 'https://allowed.example.evil.example'],
    ['a look-alike prefix', 'https://evilallowed.example'],
    ['the allowed origin in capitals', 'https://ALLOWED.EXAMPLE'],
    ['the allowed scheme in capitals', 'HTTPS://allowed.example'],
    ['a trailing slash', 'https://allowed.example/'],
    ['a path', 'https://allowed.example/session'],
    ['plain http', 'http://allowed.example'],
    ['another port', 'https://allowed.example:8443'],
    ['a trailing dot', 'https://allowed.example.'],
    ['credentials in the origin', 'https://allowed.example@evil.example'],
    ['a fragment trick', `https://evil.example#${ALLOWED}`],
    ['two labels under a one-label wildcard', 'https://a.b.ducks.example'],
    ['the wildcard apex', 'https://ducks.example'],
    ['the page’s own origin with a trailing slash', `${env.app.url}/`],
    ['the page’s own origin in capitals', env.app.url.toUpperCase()],
    ['the page’s host on another scheme', `ws://${own.host}`],
    ['the page under another name', `http://localhost:${own.port}`],
  ];

  it('refuses every hostile origin with 403 and creates nothing, while an allowed conversation runs', async () => {
    const { browser } = await env.startSession({ origin: ALLOWED });
    const requestsBefore = env.fake.requests.length;
    const callsBefore = env.realtime.calls.size;
    for (const [what, origin] of hostile()) {
      const refused = await LoadClient.open(env.app.url, { origin }).then(
        (client) => {
          client.terminate();
          return 101;
        },
        (error: { status?: number }) => error.status,
      );
      expect({ what, status: refused }).toEqual({ what, status: 403 });
    }
    expect(env.realtime.calls.size).toBe(callsBefore);
    expect(env.fake.requests.length).toBe(requestsBefore);
    // The allowed conversation never noticed.
    browser.send({ type: 'voice.set', voice: 'marin' });
    expect(await browser.next('voice.changed')).toEqual({ type: 'voice.changed', voice: 'marin' });
    browser.send({ type: 'session.stop' });
    await browser.closedWithin();
  });

  it('refuses two Origin headers at once, in either order', async () => {
    const callsBefore = env.realtime.calls.size;
    for (const pair of [[ALLOWED, 'https://evil.example'], ['https://evil.example', ALLOWED], [ALLOWED, ALLOWED]]) {
      const request = upgradeRequest(own.host, undefined, pair.map((origin) => `Origin: ${origin}`));
      expect((await rawRequest(Number(own.port), request)).status).toBe(403);
    }
    expect(env.realtime.calls.size).toBe(callsBefore);
  });

  it('admits exactly the page’s own origin and the listed ones (the positive control)', async () => {
    for (const origin of [env.app.url, ALLOWED, 'https://quack.ducks.example']) {
      const client = await LoadClient.open(env.app.url, { origin });
      expect(client.open).toBe(true);
      client.close();
    }
  });
});
