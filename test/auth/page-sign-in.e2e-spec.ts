import type { Browser } from 'playwright-core';
import { claimsAt, hs256 } from '../support/test-tokens';
import { launchChromium, PageWatch } from '../page/support/page-browser';
import { connect, startPageApp, type PageApp } from '../page/support/page-app';
import { AUTH_ENV } from './auth-app';

// The page with AUTH_REQUIRED=true, in a real browser through the real app: without a token it
// asks the person to sign in and links to AUTH_LOGIN_URL; with the HttpOnly ducke_token cookie the
// conversation starts, and the page's own script cannot read the token.

describe('the page with authentication required', () => {
  let browser: Browser;
  let app: PageApp;
  let watch: PageWatch | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
    app = await startPageApp(AUTH_ENV);
  });
  afterEach(async () => {
    await watch?.close();
    watch = undefined;
  });
  afterAll(async () => {
    await app?.close();
    await browser?.close();
  });

  it('without a token: says to sign in, links to AUTH_LOGIN_URL, creates no call', async () => {
    watch = await PageWatch.open(browser, app.url);
    const { page } = watch;
    await page.click('#connect-button');
    await page.locator('#notice-title', { hasText: 'Please sign in' }).waitFor();
    await page.locator('#notice-login').waitFor({ state: 'visible' });
    expect(await page.getAttribute('#notice-login', 'href')).toBe(AUTH_ENV.AUTH_LOGIN_URL);
    // The server's reason (here: no token at all) is shown, as text.
    expect(await page.textContent('#notice-text')).toBe('Please sign in to talk to DUCK-E.');
    expect(app.realtime.calls.size).toBe(0);
    expect(await watch.problems()).toEqual([]);
  });

  it('with the HttpOnly ducke_token cookie: the conversation starts, and page scripts cannot read the token', async () => {
    watch = await PageWatch.open(browser, app.url);
    const token = hs256(claimsAt(Date.now(), { sub: 'page-user' }));
    await watch.context.addCookies([{ name: 'ducke_token', value: token, url: app.url, httpOnly: true, sameSite: 'Strict' }]);
    const { page } = watch;
    await connect(page);
    expect(app.realtime.calls.size).toBe(1);
    expect(await page.evaluate<string>('document.cookie')).not.toContain(token);
    expect(await watch.problems()).toEqual([]);
  });
});
