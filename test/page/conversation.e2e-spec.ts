import type { Browser } from 'playwright-core';
import { responseUsage, serverEvent, transcriptionUsage } from '../fakes/openai/realtime-events';
import { waitFor } from '../support/ports';
import { axeViolations, launchChromium, PageWatch, PHONE, screenshot } from './support/page-browser';
import { connect, liveCall, PageApp, startPageApp, transcript } from './support/page-app';

// A whole conversation in a real browser, through the real app and the fake OpenAI: the page's
// WebRTC offer goes over /session, werift answers it, the `oai-events` channel carries the
// scripted transcript; the server's sideband meters usage and runs the weather tool against the
// fake Open-Meteo. The page must show every step, in order, and end cleanly on the budget.

const BUDGET_USD = '0.05';

/** Dollars shown in an element ("$0.042" → 0.042). */
const dollars = (text: string | null) => Number((text ?? '').replace(/[^0-9.]/g, ''));

describe('a conversation in the browser', () => {
  let app: PageApp;
  let browser: Browser;
  let watch: PageWatch | undefined;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startPageApp({ COST_PROTECTION_MAX_SESSION_COST_USD: BUDGET_USD, COST_PROTECTION_MAX_SESSION_DURATION_MINUTES: '30' }), launchChromium()]);
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

  it('connects, listens, shows the transcript in order with a weather chip, meters the cost, warns at 80 % and ends on the budget', async () => {
    watch = await PageWatch.open(browser, app.url);
    const { page } = watch;
    const calls = app.realtime.calls.size;

    // OpenAI takes a moment to answer: the page says which step it is on, and offers Cancel.
    app.realtime.createDelayMs = 700;
    await page.click('#connect-button');
    await page.locator('#call[data-state="connecting"] #call-detail', { hasText: 'Starting the conversation…' }).waitFor();
    expect(await page.textContent('#call-state')).toBe('Connecting…');
    expect(await page.textContent('#connect-label')).toBe('Cancel');
    await screenshot(page, 'connecting');
    app.realtime.createDelayMs = 0;
    await page.locator('#call[data-state="listening"]').waitFor();
    const call = await liveCall(app, calls + 1);
    expect(await page.textContent('#call-state')).toBe('DUCK-E is listening');
    expect(await page.textContent('#connect-label')).toBe('Disconnect');
    expect(await page.textContent('#budget-value')).toBe('$0.050 of $0.05 budget left');
    expect(await page.textContent('#time-value')).toMatch(/^(30:00|29:5\d)$/);
    await page.locator('#announce-polite', { hasText: 'DUCK-E is listening' }).waitFor({ state: 'attached' });
    // Media flows: the fake's werift peer receives the page's microphone.
    await waitFor(() => (call.peer?.micPackets ?? 0) > 5, 5_000);
    await screenshot(page, 'listening');

    // The person speaks; their words are transcribed only after DUCK-E has answered, yet their
    // line stays above the answer because its item came first.
    call.emit(serverEvent('input_audio_buffer.speech_started', { item_id: 'item_user_1', audio_start_ms: 0 }));
    call.emit(serverEvent('conversation.item.added', { previous_item_id: null, item: { id: 'item_user_1', object: 'realtime.item', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_audio' }] } }));
    await page.locator('#transcript-list .line-user', { hasText: 'Listening…' }).waitFor();

    call.callFunctions([{ name: 'get_current_weather', arguments: { location: 'Paris' } }]);
    await page.locator('#transcript-list .tool[data-status="done"]', { hasText: 'Checked the weather in Paris' }).waitFor();
    // The server ran the tool and asked for the spoken answer; the fake speaks it.
    await page.locator('#transcript-list .line-assistant', { hasText: 'Quack! Here is what I found.' }).waitFor();
    call.transcriptionCompleted(transcriptionUsage(), 'item_user_1', 'What is the weather in Paris?');
    await page.locator('#transcript-list .line-user', { hasText: 'What is the weather in Paris?' }).waitFor();
    expect(await transcript(watch)).toEqual([
      { kind: 'line', who: 'You', text: 'What is the weather in Paris?' },
      { kind: 'tool', text: 'Checked the weather in Paris', status: 'done' },
      { kind: 'line', who: 'DUCK-E', text: 'Quack! Here is what I found.' },
    ]);

    // Cost rises with every metered usage.
    await waitFor(async () => dollars(await page.textContent('#cost-value')) > 0, 5_000);
    const afterTool = dollars(await page.textContent('#cost-value'));
    expect(await page.isVisible('#meter-warning')).toBe(false);

    // DUCK-E speaking: shown and announced.
    call.emit(serverEvent('output_audio_buffer.started', { response_id: 'resp_long' }));
    await page.locator('#call[data-state="speaking"]').waitFor();
    expect(await page.textContent('#call-state')).toBe('DUCK-E is speaking');
    await page.locator('#announce-polite', { hasText: 'DUCK-E is speaking' }).waitFor({ state: 'attached' });
    await screenshot(page, 'speaking');
    // The person interrupts: server VAD reports their speech and DUCK-E is listening again.
    call.emit(serverEvent('input_audio_buffer.speech_started', { item_id: 'item_user_2', audio_start_ms: 900 }));
    await page.locator('#call[data-state="listening"]').waitFor();

    // A long answer takes the conversation past 80 % of its budget.
    call.speak('It is 18 degrees and sunny in Paris, with a light breeze from the west.', responseUsage({ audioOut: 400 }));
    await page.locator('#meter-warning', { hasText: 'over 80 %' }).waitFor();
    expect(dollars(await page.textContent('#cost-value'))).toBeGreaterThan(afterTool);
    expect(dollars(await page.textContent('#cost-value'))).toBeGreaterThanOrEqual(0.04);
    expect(await page.getAttribute('#cost-item', 'data-level')).toBe('warning');
    await page.locator('#announce-polite', { hasText: 'over 80 %' }).waitFor({ state: 'attached' });
    await screenshot(page, 'budget-warning', { docs: true });
    expect(await axeViolations(page)).toEqual([]);

    // One more answer and the budget is gone: the server hangs up and the page says why.
    call.speak('Anything else?', responseUsage({ audioOut: 400 }));
    await page.locator('#call[data-state="ended"]').waitFor();
    expect(await page.textContent('#notice-title')).toBe('This conversation used up its budget');
    expect(await page.textContent('#notice-text')).toContain('spending limit of $0.05');
    expect(await page.textContent('#connect-label')).toBe('Connect again');
    expect(await page.isVisible('#notice-retry')).toBe(true);
    await page.locator('#announce-alert', { hasText: 'used up its budget' }).waitFor({ state: 'attached' });
    await waitFor(() => call.ended, 5_000);
    expect(call.hangups.length).toBeGreaterThanOrEqual(1);
    // The microphone is released and the transcript stays readable.
    expect(await watch.probe('remoteAudioAttached')).toBe(false);
    expect((await transcript(watch)).length).toBeGreaterThanOrEqual(4);
    await screenshot(page, 'budget-exceeded', { docs: true });
    expect(await axeViolations(page)).toEqual([]);
  });

  it('shows markup and script in a transcript as text, and never runs it', async () => {
    watch = await PageWatch.open(browser, app.url);
    const { page } = watch;
    const calls = app.realtime.calls.size;
    await connect(page);
    const call = await liveCall(app, calls + 1);

    const userPayload = '<img src=x onerror="window.__pwned=1">';
    const duckPayload = '<script>window.__pwned=2</script><b>bold</b> & <a href="javascript:window.__pwned=3">link</a>';
    call.transcriptionCompleted(transcriptionUsage(), 'item_xss_1', userPayload);
    call.speak(duckPayload);
    call.callFunctions([{ name: 'get_current_weather', arguments: { location: '<svg onload=window.__pwned=4>' } }]);
    await page.locator('#transcript-list .line-assistant', { hasText: '<b>bold</b>' }).waitFor();
    await page.locator('#transcript-list .tool', { hasText: '<svg onload=window.__pwned=4>' }).first().waitFor();

    const shown = await transcript(watch);
    expect(shown[0]).toEqual({ kind: 'line', who: 'You', text: userPayload });
    expect(shown[1]).toEqual({ kind: 'line', who: 'DUCK-E', text: duckPayload });
    // Not one element was created from the payloads, and nothing ran.
    expect(await page.locator('#transcript-list img, #transcript-list script, #transcript-list b, #transcript-list a, #transcript-list svg:not(.icon)').count()).toBe(0);
    await page.waitForTimeout(200);
    expect(await watch.probe('pwned')).toBeUndefined();
    await screenshot(page, 'markup-as-text');

    // Clear empties the transcript; late words of a cleared line do not bring it back.
    await page.click('#clear-button');
    expect(await transcript(watch)).toEqual([]);
    expect(await page.isVisible('#transcript-empty')).toBe(true);
    expect(await watch.focused()).toBe('clear-button');

    await page.click('#connect-button');
    await page.locator('#call[data-state="ended"]').waitFor();
    expect(await page.textContent('#notice-title')).toBe('Conversation ended');
    await waitFor(() => call.ended, 5_000);
  });

  it('changes the voice during a call, and puts the list back when OpenAI refuses the change', async () => {
    watch = await PageWatch.open(browser, app.url, PHONE);
    const { page } = watch;
    const calls = app.realtime.calls.size;
    await connect(page);
    const call = await liveCall(app, calls + 1);

    await page.selectOption('#voice-select', 'cedar');
    await page.locator('#announce-polite', { hasText: 'DUCK-E now speaks with the Cedar voice.' }).waitFor({ state: 'attached' });
    expect(await page.inputValue('#voice-select')).toBe('cedar');

    // After DUCK-E has spoken, OpenAI refuses voice changes.
    call.speak('Quack.');
    await page.locator('#transcript-list .line-assistant', { hasText: 'Quack.' }).waitFor();
    await screenshot(page, 'phone-in-call', { docs: true });
    await page.selectOption('#voice-select', 'ash');
    await page.locator('#notice-title', { hasText: 'That voice is not available' }).waitFor();
    expect(await page.inputValue('#voice-select')).toBe('cedar');
    expect(await page.textContent('#call-state')).toBe('DUCK-E is listening');
    await screenshot(page, 'phone-voice-refused', { fullPage: true });
    expect(await axeViolations(page)).toEqual([]);

    // Remembered for the next visit.
    await page.click('#connect-button');
    await page.locator('#call[data-state="ended"]').waitFor();
    await page.reload();
    expect(await page.inputValue('#voice-select')).toBe('cedar');
  });

  it('gates the microphone with push to talk (Space bar and Talk button) and with mute', async () => {
    watch = await PageWatch.open(browser, app.url);
    const { page } = watch;
    await page.check('#ptt-switch');
    await connect(page);
    expect(await page.textContent('#call-detail')).toBe('Hold the Talk button or the Space bar while you speak.');
    expect(await page.isVisible('#talk-button')).toBe(true);
    expect(await watch.microphoneLive()).toBe(false);

    // Space held anywhere — even with focus on Disconnect — talks, and does not hang up.
    await page.focus('#connect-button');
    await page.keyboard.down('Space');
    expect(await watch.microphoneLive()).toBe(true);
    expect(await page.getAttribute('#talk-button', 'aria-pressed')).toBe('true');
    expect(await page.textContent('#call-detail')).toBe('DUCK-E hears you. Let go when you are done.');
    await screenshot(page, 'push-to-talk');
    await page.keyboard.up('Space');
    expect(await watch.microphoneLive()).toBe(false);
    expect(await page.textContent('#call-state')).toBe('DUCK-E is listening');

    // The Talk button, held with the pointer.
    const box = (await page.locator('#talk-button').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    expect(await watch.microphoneLive()).toBe(true);
    await page.mouse.up();
    expect(await watch.microphoneLive()).toBe(false);

    // Push to talk off: an open microphone; mute closes it and says so.
    await page.uncheck('#ptt-switch');
    expect(await watch.microphoneLive()).toBe(true);
    expect(await page.isVisible('#talk-button')).toBe(false);
    await page.click('#mute-button');
    expect(await page.getAttribute('#mute-button', 'aria-pressed')).toBe('true');
    expect(await watch.microphoneLive()).toBe(false);
    expect(await page.textContent('#call-detail')).toBe('Your microphone is muted. Unmute it to talk.');
    await page.click('#mute-button');
    expect(await watch.microphoneLive()).toBe(true);

    await page.click('#connect-button');
    await page.locator('#call[data-state="ended"]').waitFor();
    // Hanging up stops the microphone track.
    expect(await watch.microphoneLive()).toBe(false);
  });
});
