import type { Browser } from 'playwright-core';
import type { IncomingMessage } from 'node:http';
import { waitFor } from '../support/ports';
import { startTestApp, TestApp } from '../support/test-app';
import { axeViolations, launchChromium, PageWatch, screenshot } from './support/page-browser';

// A server started without OPENAI_API_KEY: the page says so before anyone presses Connect —
// the service pill reads "Not configured" and the notice explains what the operator must do —
// and opens no /session connection just to find out.

describe('the page on a server without an OpenAI key', () => {
  let app: TestApp;
  let browser: Browser;
  const upgrades: string[] = [];

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp({ OPENAI_API_KEY: undefined }), launchChromium()]);
    app.app.getHttpServer().on('upgrade', (req: IncomingMessage) => upgrades.push(req.url ?? ''));
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows "Not configured" and the reason on load, without opening a socket', async () => {
    const watch = await PageWatch.open(browser, app.url);
    const { page } = watch;
    await page.locator('#service-status', { hasText: 'Not configured' }).waitFor();
    expect(await page.getAttribute('#service-status', 'data-state')).toBe('not_configured');
    await page.locator('#notice').waitFor({ state: 'visible' });
    expect(await page.textContent('#notice-title')).toBe('DUCK-E is not set up yet');
    expect(await page.textContent('#notice-text')).toContain('OPENAI_API_KEY');
    expect(await page.textContent('#call-state')).toBe('Ready to talk');
    expect(upgrades).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'not-configured');
    expect(await watch.problems()).toEqual([]);
    await watch.close();
  });

  it('still refuses a Connect with the same explanation', async () => {
    const watch = await PageWatch.open(browser, app.url);
    const { page } = watch;
    await page.locator('#service-status', { hasText: 'Not configured' }).waitFor();
    await page.click('#notice-dismiss');
    await page.click('#connect-button');
    // The refusal comes over the socket this time, and the page explains it the same way.
    await waitFor(() => upgrades.length === 1, 10_000);
    await page.locator('#notice-title', { hasText: 'DUCK-E is not set up yet' }).waitFor();
    await page.locator('#call-state', { hasText: 'Ready to talk' }).waitFor();
    expect(upgrades).toEqual(['/session']);
    expect(await watch.problems()).toEqual([]);
    await watch.close();
  });
});
