import type { Browser, Page } from 'playwright-core';
import { waitFor } from '../support/ports';
import { axeViolations, launchChromium, PageWatch, screenshot } from './support/page-browser';
import { connect, liveCall, PageApp, startPageApp } from './support/page-app';

// The metering tripwire with the real page in Chromium: the page counts response.done on its
// data channel and reports it over /session (usage.seen); when the fake's sideband is blind to
// responses started from the browser, the server hangs up with metering_lost and the page says
// why in plain words.

/** Every usage.seen the page sent over /session. */
function watchUsageReports(page: Page): Array<Record<string, unknown>> {
  const reports: Array<Record<string, unknown>> = [];
  page.on('websocket', (socket) => {
    socket.on('framesent', (frame) => {
      const text = typeof frame.payload === 'string' ? frame.payload : frame.payload.toString();
      const message = JSON.parse(text) as Record<string, unknown>;
      if (message.type === 'usage.seen') reports.push(message);
    });
  });
  return reports;
}

describe('the page and the metering tripwire', () => {
  let app: PageApp;
  let browser: Browser;
  let watch: PageWatch | undefined;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startPageApp(), launchChromium()]);
  });

  afterEach(async () => {
    app.realtime.blindSideband = false;
    if (!watch) return;
    expect(await watch.problems()).toEqual([]);
    await watch.close();
    watch = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('reports what its data channel saw, and sends a final count before hanging up', async () => {
    watch = await PageWatch.open(browser, app.url);
    const reports = watchUsageReports(watch.page);
    const calls = app.realtime.calls.size;
    await connect(watch.page);
    const call = await liveCall(app, calls + 1);
    call.speak('Quack! Hello.');
    call.handleClientEvent('datachannel', { type: 'response.create' });
    await watch.page.locator('#transcript-list .line-assistant', { hasText: 'Here is what I found.' }).waitFor();

    // The periodic report (every 5 s) carries both responses and their usage.
    await waitFor(() => reports.some((report) => report.responses === 2), 12_000);
    expect(reports.find((report) => report.responses === 2)).toEqual({ type: 'usage.seen', responses: 2, inputTokens: 320, outputTokens: 200 });
    await watch.page.click('#connect-button');
    await watch.page.locator('#call[data-state="ended"]').waitFor();
    await waitFor(() => reports.some((report) => report.final === true));
    expect(reports.at(-1)).toEqual({ type: 'usage.seen', responses: 2, inputTokens: 320, outputTokens: 200, final: true });
    expect(await watch.page.textContent('#notice-title')).toBe('Conversation ended');
  });

  it('explains metering_lost when the sideband never saw the responses the browser started', async () => {
    app.realtime.blindSideband = true;
    watch = await PageWatch.open(browser, app.url);
    const reports = watchUsageReports(watch.page);
    const { page } = watch;
    const calls = app.realtime.calls.size;
    await connect(page);
    const call = await liveCall(app, calls + 1);

    // The browser's side of the call asks for a response (as a tampered page could).
    call.handleClientEvent('datachannel', { type: 'response.create' });
    await page.locator('#transcript-list .line-assistant', { hasText: 'Here is what I found.' }).waitFor();
    await waitFor(() => reports.some((report) => report.responses === 1), 12_000);
    const reportedAt = Date.now();

    await page.locator('#call[data-state="ended"]').waitFor({ timeout: 10_000 });
    expect(Date.now() - reportedAt).toBeLessThan(10_000);
    expect(await page.textContent('#notice-title')).toBe('DUCK-E lost track of what this conversation costs');
    expect(await page.textContent('#notice-text')).toContain('hung up to protect the budget');
    expect(await page.isVisible('#notice-retry')).toBe(true);
    await page.locator('#announce-alert', { hasText: 'lost track of what this conversation costs' }).waitFor({ state: 'attached' });
    await waitFor(() => call.ended, 5_000);
    expect(call.endedBy).toBe('hangup');
    await screenshot(page, 'metering-lost');
    expect(await axeViolations(page)).toEqual([]);
  });
});
