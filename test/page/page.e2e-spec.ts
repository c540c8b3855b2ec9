import type { Browser } from 'playwright-core';
import { startTestApp, TestApp } from '../support/test-app';
import { axeViolations, DESKTOP, launchChromium, PageWatch, PHONE, probe, screenshot } from './support/page-browser';

// The page itself, before any conversation: it loads under the strict CSP without a single
// console error, passes axe on a desktop and a phone, is operable by keyboard with a visible
// focus ring, remembers push-to-talk and the voice, and stills its animations for people who
// ask for reduced motion.

describe('the voice assistant page', () => {
  let app: TestApp;
  let browser: Browser;
  const watches: PageWatch[] = [];

  const open = async (viewport = DESKTOP, reducedMotion?: 'reduce') => {
    const watch = await PageWatch.open(browser, app.url, viewport, { reducedMotion });
    watches.push(watch);
    return watch;
  };

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp({ OPENAI_API_KEY: 'sk-test-duck-e' }), launchChromium()]);
  });

  afterEach(async () => {
    for (const watch of watches.splice(0)) {
      expect(await watch.problems()).toEqual([]);
      await watch.close();
    }
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows the ready state, the service status and the voices, with no console error or CSP violation', async () => {
    const { page } = await open();
    await page.locator('#service-status', { hasText: 'Online' }).waitFor();
    expect(await page.textContent('#call-state')).toBe('Ready to talk');
    expect(await page.textContent('#connect-label')).toBe('Connect');
    const voices = await page.locator('#voice-select option').allTextContents();
    expect(voices).toEqual(['Marin', 'Cedar', 'Alloy', 'Ash', 'Ballad', 'Coral', 'Echo', 'Sage', 'Shimmer', 'Verse']);
    expect(await page.inputValue('#voice-select')).toBe('marin');
    // Scripts and styles come from this origin only: nothing inline, nothing third-party.
    const external = await probe<string[]>(page, 'assetUrls');
    expect(external.every((src) => src?.startsWith('/static/'))).toBe(true);
    expect(await page.locator('[style]').count()).toBe(0);
    await screenshot(page, 'ready-desktop');
  });

  it('has no serious or critical accessibility violations on a desktop and a phone', async () => {
    const desktop = await open(DESKTOP);
    expect(await axeViolations(desktop.page)).toEqual([]);
    const phone = await open(PHONE);
    expect(await axeViolations(phone.page)).toEqual([]);
    // Nothing wider than the phone's screen: no sideways scrolling.
    expect(await phone.probe('pageWidth')).toBeLessThanOrEqual(PHONE.width);
    await screenshot(phone.page, 'ready-phone', { fullPage: true });
    // The smallest phones in use (320 px) fit too.
    await phone.page.setViewportSize({ width: 320, height: 640 });
    expect(await phone.probe('pageWidth')).toBeLessThanOrEqual(320);
  });

  it('is operable by keyboard with a visible focus ring', async () => {
    const watch = await open();
    const { page } = watch;
    const focusOrder: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      focusOrder.push(await watch.focused());
    }
    expect(focusOrder).toEqual(['skip-link', 'connect-button', 'mute-button', 'ptt-switch', 'voice-select', 'clear-button']);

    await page.focus('#connect-button');
    const outline = await probe<{ style: string; width: number }>(page, 'outlineOf', '#connect-button');
    expect(outline.style).toBe('solid');
    expect(outline.width).toBeGreaterThanOrEqual(2);

    // The mute toggle works from the keyboard and says whether it is on.
    await page.focus('#mute-button');
    await page.keyboard.press('Enter');
    expect(await page.getAttribute('#mute-button', 'aria-pressed')).toBe('true');
    await page.keyboard.press('Space');
    expect(await page.getAttribute('#mute-button', 'aria-pressed')).toBe('false');
  });

  it('remembers push to talk and the chosen voice on this device', async () => {
    const { page } = await open();
    await page.check('#ptt-switch');
    await page.selectOption('#voice-select', 'cedar');
    await page.reload();
    expect(await page.isChecked('#ptt-switch')).toBe(true);
    expect(await page.inputValue('#voice-select')).toBe('cedar');
    expect(await page.isVisible('#ptt-hint')).toBe(true);
    await page.uncheck('#ptt-switch');
    await page.reload();
    expect(await page.isChecked('#ptt-switch')).toBe(false);
    expect(await page.isVisible('#ptt-hint')).toBe(false);
  });

  it('keeps every state visible but still when reduced motion is asked for', async () => {
    const moving = await open(DESKTOP);
    const still = await open(DESKTOP, 'reduce');
    const ringAnimation = (watch: PageWatch, state: string) => watch.probe<string>('ringAnimation', state);
    for (const state of ['connecting', 'listening', 'speaking']) {
      expect(await ringAnimation(moving, state)).not.toBe('none');
      expect(await ringAnimation(still, state)).toBe('none');
    }
  });
});
