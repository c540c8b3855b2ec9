import type { Browser } from 'playwright-core';
import { waitFor } from '../support/ports';
import { launchChromium, PageWatch, screenshot } from './support/page-browser';
import { connect, liveCall, PageApp, startPageApp } from './support/page-app';

// A conversation whose connection breaks: the page ends the call cleanly (microphone off, audio
// closed, the server hangs up upstream), says what happened, and reconnects on request.

describe('a conversation whose connection breaks', () => {
  let app: PageApp;
  let browser: Browser;
  let watch: PageWatch | undefined;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startPageApp(), launchChromium()]);
  });

  afterEach(async () => {
    if (!watch) return;
    expect(await watch.problems()).toEqual([]);
    await watch.close();
    watch = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('ends the call when the WebSocket drops, and reconnects when asked', async () => {
    watch = await PageWatch.open(browser, app.url);
    const { page } = watch;
    const calls = app.realtime.calls.size;
    await connect(page);
    const call = await liveCall(app, calls + 1);

    // The network cuts the page's socket (no close frame).
    app.sessionSockets.at(-1)!.destroy();
    await page.locator('#call[data-state="ended"]').waitFor();
    expect(await page.textContent('#notice-title')).toBe('The connection to DUCK-E was lost');
    expect(await page.textContent('#connect-label')).toBe('Connect again');
    expect(await page.isVisible('#notice-retry')).toBe(true);
    // Nothing is left running: no microphone track, no audio, and the server hung the call up.
    expect(await watch.probe('remoteAudioAttached')).toBe(false);
    await waitFor(() => call.ended && call.hangups.length > 0, 5_000);
    await screenshot(page, 'connection-lost');

    await page.click('#notice-retry');
    await page.locator('#call[data-state="listening"]').waitFor();
    const second = await liveCall(app, calls + 2);
    second.speak('Welcome back.');
    await page.locator('#transcript-list .line-assistant', { hasText: 'Welcome back.' }).waitFor();
    expect(await page.isVisible('#notice')).toBe(false);
    await page.click('#connect-button');
    await page.locator('#call[data-state="ended"]').waitFor();
    await waitFor(() => second.ended, 5_000);
  });

  it('ends the call when the audio connection drops, with the reason the server gives', async () => {
    watch = await PageWatch.open(browser, app.url);
    const { page } = watch;
    const calls = app.realtime.calls.size;
    await connect(page);
    const call = await liveCall(app, calls + 1);

    // OpenAI's side of the WebRTC call goes away.
    await call.peer!.close();
    await page.locator('#call[data-state="ended"]').waitFor();
    expect(await page.textContent('#notice-title')).toBe('The voice service ended the conversation');
    expect(await page.isVisible('#notice-retry')).toBe(true);
    expect(await watch.probe('remoteAudioAttached')).toBe(false);
  });

  it('hangs up when the person leaves the page', async () => {
    watch = await PageWatch.open(browser, app.url);
    const { page } = watch;
    const calls = app.realtime.calls.size;
    await connect(page);
    const call = await liveCall(app, calls + 1);
    await page.goto('about:blank');
    await waitFor(() => call.ended && call.hangups.length > 0, 5_000);
  });

  describe('with a short time limit', () => {
    let short: PageApp;
    beforeAll(async () => {
      short = await startPageApp({ COST_PROTECTION_MAX_SESSION_DURATION_MINUTES: '0.05' });
    });
    afterAll(() => short?.close());

    it('counts the time down, warns in the last minute, and says the time ran out', async () => {
      watch = await PageWatch.open(browser, short.url);
      const { page } = watch;
      const calls = short.realtime.calls.size;
      await connect(page);
      const call = await liveCall(short, calls + 1);
      expect(await page.textContent('#time-limit')).toBe('of 3 seconds');
      await page.locator('#meter-warning', { hasText: 'About one minute left' }).waitFor();
      expect(await page.getAttribute('#time-item', 'data-level')).toBe('warning');

      await page.locator('#call[data-state="ended"]').waitFor({ timeout: 8_000 });
      expect(await page.textContent('#notice-title')).toBe('This conversation ran out of time');
      expect(await page.textContent('#notice-text')).toContain('time limit of 3 seconds');
      expect(await page.textContent('#time-value')).toBe('0:00');
      await waitFor(() => call.ended, 5_000);
      await screenshot(page, 'duration-exceeded');
    });
  });
});
