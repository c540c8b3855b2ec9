import type { Browser } from 'playwright-core';
import { responseUsage } from '../fakes/openai/realtime-events';
import { waitFor } from '../support/ports';
import { axeViolations, launchChromium, PageWatch, screenshot } from './support/page-browser';
import { connect, liveCall, PageApp, startPageApp } from './support/page-app';

// Refusals and failures at the start of a conversation, in a real browser through the real app:
// each one is explained in plain words, a "try again in m:ss" ticks down live and holds the
// Connect button, and the page is never left "Connecting…".

/** "Try again in 0:42." → 42 */
const countdownOf = (text: string | null) => {
  const match = /(\d+):(\d\d)/.exec(text ?? '');
  return match ? Number(match[1]) * 60 + Number(match[2]) : NaN;
};

describe('refusals and failures when connecting', () => {
  let browser: Browser;
  let watch: PageWatch | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterEach(async () => {
    if (!watch) return;
    expect(await watch.problems()).toEqual([]);
    await watch.close();
    watch = undefined;
  });

  afterAll(() => browser?.close());

  describe('over the connection rate limit', () => {
    let app: PageApp;
    beforeAll(async () => {
      app = await startPageApp({ RATE_LIMIT_WEBSOCKET: '1/minute' });
    });
    afterAll(() => app?.close());

    it('says to try again in m:ss, counts down live, and holds Connect until then', async () => {
      watch = await PageWatch.open(browser, app.url);
      const { page } = watch;
      await connect(page);
      await page.click('#connect-button');
      await page.locator('#call[data-state="ended"]').waitFor();
      const callsBefore = app.realtime.calls.size;

      await page.click('#connect-button');
      await page.locator('#notice-title', { hasText: 'Too many conversations at once' }).waitFor();
      expect(await page.textContent('#call-state')).toBe('Ready to talk');
      const first = countdownOf(await page.textContent('#notice-text'));
      expect(first).toBeGreaterThan(30);
      expect(first).toBeLessThanOrEqual(60);
      expect(await page.textContent('#notice-text')).toMatch(/^You started several conversations in a short time\. Try again in \d+:\d\d\.$/);
      expect(await page.getAttribute('#connect-button', 'aria-disabled')).toBe('true');
      expect(await page.isVisible('#notice-retry')).toBe(false);
      expect(await page.textContent('#connect-label')).toMatch(/^Try again in \d+:\d\d$/);
      await page.locator('#announce-alert', { hasText: 'Too many conversations at once' }).waitFor({ state: 'attached' });
      await screenshot(page, 'rate-limited', { docs: true });
      expect(await axeViolations(page)).toEqual([]);

      // It ticks down, on the notice and on the button.
      await waitFor(async () => countdownOf(await page.textContent('#notice-text')) <= first - 2, 4_000);
      expect(countdownOf(await page.textContent('#connect-label'))).toBeLessThanOrEqual(first - 1);
      // Pressing Connect while it waits does not open a connection (and keeps focus on the button).
      const upgrades = app.sessionSockets.length;
      await page.focus('#connect-button');
      await page.keyboard.press('Enter');
      await page.waitForTimeout(300);
      expect(app.sessionSockets.length).toBe(upgrades);
      expect(await watch.focused()).toBe('connect-button');
      // A refused connection created no call upstream.
      expect(app.realtime.calls.size).toBe(callsBefore);
    });
  });

  describe('when the voice service fails or the breaker opens', () => {
    let app: PageApp;
    beforeAll(async () => {
      app = await startPageApp({ COST_PROTECTION_CIRCUIT_BREAKER_THRESHOLD_USD: '0.02', COST_PROTECTION_CIRCUIT_BREAKER_RESET_MINUTES: '0.5' });
    });
    afterAll(() => app?.close());

    it('explains an OpenAI failure and lets the person try again at once', async () => {
      watch = await PageWatch.open(browser, app.url);
      const { page } = watch;
      app.realtime.createFailures.push({ status: 500, message: 'The server had an error while processing your request.' });
      await page.click('#connect-button');
      await page.locator('#notice-title', { hasText: 'The voice service did not answer' }).waitFor();
      expect(await page.textContent('#call-state')).toBe('Ready to talk');
      expect(await page.textContent('#connect-label')).toBe('Connect');
      await screenshot(page, 'upstream-error');

      await page.click('#notice-retry');
      await page.locator('#call[data-state="listening"]').waitFor();
      expect(await page.isVisible('#notice')).toBe(false);
      await page.click('#connect-button');
      await page.locator('#call[data-state="ended"]').waitFor();
    });

    it('says DUCK-E is resting when the breaker ends the call, and counts down the refusal after it', async () => {
      watch = await PageWatch.open(browser, app.url);
      const { page } = watch;
      const calls = app.realtime.calls.size;
      await connect(page);
      const call = await liveCall(app, calls + 1);

      // One expensive answer takes the rolling hour over the breaker threshold.
      call.speak('That was a lot of talking.', responseUsage({ audioOut: 500 }));
      await page.locator('#call[data-state="ended"]').waitFor();
      expect(await page.textContent('#notice-title')).toBe('DUCK-E is resting to protect its budget');
      await waitFor(() => call.ended, 5_000);
      await screenshot(page, 'circuit-breaker');

      await page.click('#connect-button');
      await page.locator('#notice-text', { hasText: 'Try again in' }).waitFor();
      expect(await page.textContent('#notice-title')).toBe('DUCK-E is resting to protect its budget');
      const left = countdownOf(await page.textContent('#notice-text'));
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThanOrEqual(30);
      expect(app.realtime.calls.size).toBe(calls + 1);
    });
  });
});
