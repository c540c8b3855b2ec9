import type { Browser } from 'playwright-core';
import type { IncomingMessage } from 'node:http';
import { startTestApp, TestApp } from '../support/test-app';
import { axeViolations, launchChromium, PageWatch, screenshot } from './support/page-browser';

// The microphone permission flow in a real browser: a denied prompt and a machine with no
// microphone each end in their own plain-words explanation, the page returns to "ready" (never
// stuck connecting), and no /session connection is opened — a conversation that cannot hear
// the person must not spend a rate-limited connection or create a call.

describe('microphone problems', () => {
  let app: TestApp;
  const upgrades: string[] = [];

  beforeAll(async () => {
    app = await startTestApp({ OPENAI_API_KEY: 'sk-test-duck-e' });
    app.app.getHttpServer().on('upgrade', (req: IncomingMessage) => upgrades.push(req.url ?? ''));
  });

  afterAll(async () => {
    await app?.close();
  });

  async function connectWith(browser: Browser): Promise<PageWatch> {
    const watch = await PageWatch.open(browser, app.url);
    await watch.page.click('#connect-button');
    await watch.page.locator('#notice').waitFor({ state: 'visible' });
    return watch;
  }

  describe('when the person denies the microphone', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium({ allowMicrophone: false });
    });
    afterAll(() => browser?.close());

    it('explains how to allow it, announces it, and offers to connect again', async () => {
      const watch = await connectWith(browser);
      const { page } = watch;
      expect(await page.textContent('#notice-title')).toBe('DUCK-E needs your microphone');
      expect(await page.textContent('#notice-text')).toContain('Allow it');
      expect(await page.textContent('#call-state')).toBe('Ready to talk');
      expect(await page.textContent('#connect-label')).toBe('Connect');
      expect(await page.isVisible('#notice-retry')).toBe(true);
      await page.locator('#announce-alert', { hasText: 'DUCK-E needs your microphone' }).waitFor({ state: 'attached' });
      await screenshot(page, 'microphone-denied', { docs: true });
      expect(await axeViolations(page)).toEqual([]);

      // Trying again asks again and explains again; still no socket.
      await page.click('#notice-retry');
      await page.locator('#call-state', { hasText: 'Ready to talk' }).waitFor();
      expect(await page.textContent('#notice-title')).toBe('DUCK-E needs your microphone');
      expect(upgrades).toEqual([]);

      // Dismissing the notice keeps the keyboard on the call, not lost on the page.
      await page.focus('#notice-dismiss');
      await page.keyboard.press('Enter');
      expect(await page.isVisible('#notice')).toBe(false);
      expect(await watch.focused()).toBe('connect-button');
      expect(await watch.problems()).toEqual([]);
      await watch.close();
    });
  });

  describe('when there is no microphone', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium({ fakeMicrophone: false });
    });
    afterAll(() => browser?.close());

    it('says no microphone was found', async () => {
      const watch = await connectWith(browser);
      const { page } = watch;
      expect(await page.textContent('#notice-title')).toBe('No microphone found');
      expect(await page.textContent('#notice-text')).toContain('Plug in or turn on a microphone');
      expect(await page.textContent('#call-state')).toBe('Ready to talk');
      expect(upgrades).toEqual([]);
      await screenshot(page, 'microphone-missing');
      expect(await watch.problems()).toEqual([]);
      await watch.close();
    });
  });
});
