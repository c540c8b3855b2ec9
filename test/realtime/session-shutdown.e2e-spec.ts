import { FakeOpenAI } from '../fakes/openai/fake-openai.server';
import { FakeRealtime, installRealtime } from '../fakes/openai/realtime.handler';
import { FakeOpenMeteo } from '../fakes/weather/fake-open-meteo.server';
import { spawnApp, SpawnedApp } from '../support/spawned-app';
import { waitFor } from '../support/ports';
import { BrowserSocket, TEST_OFFER } from './support/browser-socket';
import { ROOMY_LIMITS } from './support/realtime-app';

// SIGTERM on the built service (`node dist/main.js`, what the container runs): new sessions are
// refused, every conversation ends with `shutdown` and its call is hung up, the process exits
// within 10 s (README, "Stopping"). Needs `npm run build` (npm test does it).

describe('/session on SIGTERM (built app)', () => {
  let fake: FakeOpenAI;
  let realtime: FakeRealtime;
  let weather: FakeOpenMeteo;
  let app: SpawnedApp | undefined;

  beforeAll(async () => {
    fake = await FakeOpenAI.start();
    realtime = installRealtime(fake);
    weather = await FakeOpenMeteo.start();
  });
  afterAll(async () => {
    if (app) await app.stop('SIGKILL');
    await realtime.closeAll();
    await fake.stop();
    await weather.stop();
  });

  it('ends every conversation with shutdown, hangs every call up, refuses newcomers, exits 0 within 10 s', async () => {
    app = await spawnApp({ OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: fake.apiKey, ...weather.env, ...ROOMY_LIMITS });
    const browsers: BrowserSocket[] = [];
    for (let i = 0; i < 3; i++) {
      const browser = await BrowserSocket.open(app.url);
      browser.send({ type: 'session.start', sdp: TEST_OFFER });
      await browser.next('session.started');
      browsers.push(browser);
    }
    const idle = await BrowserSocket.open(app.url);
    await waitFor(() => realtime.callList.every((call) => call.sidebands.size === 1) && realtime.calls.size === 3);
    // Slow hang-ups keep the drain open long enough to knock on the door meanwhile.
    realtime.hangupDelayMs = 600;

    const signalledAt = Date.now();
    app.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const refused = await BrowserSocket.refusal(app.url);
    expect(refused.status).toBe(503);

    for (const browser of browsers) {
      expect(await browser.next('session.ended', 9_000)).toEqual({ type: 'session.ended', reason: 'shutdown' });
      expect((await browser.closedWithin(9_000)).code).toBe(1000);
    }
    expect((await idle.closedWithin(9_000)).code).toBe(1013);
    const exitCode = await app.exited;
    const tookMs = Date.now() - signalledAt;
    expect(exitCode).toBe(0);
    expect(tookMs).toBeLessThan(10_000);
    expect(realtime.callList.map((call) => call.hangups.length)).toEqual([1, 1, 1]);
    expect(app.output()).toContain('draining 3 session(s) (SIGTERM)');
    // The operator's last line: why, how many calls ended, how long it took.
    expect(app.output()).toMatch(/DUCK-E stopped on SIGTERM: 3 conversations ended in \d+\.\d s \(exit 0\)/);
  }, 30_000);
});
