import { FakeOpenAI } from '../../fakes/openai/fake-openai.server';
import { FakeRealtimeCall } from '../../fakes/openai/fake-realtime-call';
import { FakeRealtime, installRealtime } from '../../fakes/openai/realtime.handler';
import { installResponses, ResponsesFake } from '../../fakes/openai/responses.handler';
import { FakeOpenMeteo } from '../../fakes/weather/fake-open-meteo.server';
import { startTestApp, TestApp } from '../../support/test-app';
import { BrowserSocket, Message, OpenOptions, TEST_OFFER } from './browser-socket';

// The real application wired to the local fakes: OpenAI (calls, hang-ups, sideband, and the
// Responses API behind web_search) and Open-Meteo (the weather tools), plus helpers to open a conversation the way the page does.

export interface RealtimeApp {
  app: TestApp;
  fake: FakeOpenAI;
  realtime: FakeRealtime;
  responses: ResponsesFake;
  weather: FakeOpenMeteo;
  open(options?: OpenOptions): Promise<BrowserSocket>;
  /** Open a socket, send session.start, wait for session.started and the call's sideband. */
  startSession(options?: OpenOptions & { voice?: string; offer?: string }): Promise<LiveSession>;
  close(): Promise<void>;
}

export interface LiveSession {
  browser: BrowserSocket;
  started: Message;
  call: FakeRealtimeCall;
}

/** Roomy defaults so tests hit only the limit they are about. */
export const ROOMY_LIMITS = {
  RATE_LIMIT_WEBSOCKET: '1000/minute',
  RATE_LIMIT_WEATHER_API: '1000/hour',
  RATE_LIMIT_WEB_SEARCH: '1000/hour',
  RATE_LIMIT_STATUS: '1000/minute',
  // The fake reports little usage, so the time floor would decide most spend figures; the tests
  // about the floor turn it on (test/cost/spend-floor.e2e-spec.ts).
  COST_PROTECTION_MIN_USD_PER_MINUTE: '0',
};

export async function startRealtimeApp(env: Record<string, string | undefined> = {}, shared?: { fake: FakeOpenAI; realtime: FakeRealtime; responses: ResponsesFake; weather: FakeOpenMeteo }): Promise<RealtimeApp> {
  const fake = shared?.fake ?? (await FakeOpenAI.start());
  const realtime = shared?.realtime ?? installRealtime(fake);
  const responses = shared?.responses ?? installResponses(fake);
  const weather = shared?.weather ?? (await FakeOpenMeteo.start());
  const app = await startTestApp({
    OPENAI_BASE_URL: fake.baseUrl,
    OPENAI_API_KEY: fake.apiKey,
    WEATHER_API_KEY: undefined,
    REDIS_URL: undefined,
    ...weather.env,
    ...ROOMY_LIMITS,
    ...env,
  });
  const open = (options?: OpenOptions) => BrowserSocket.open(app.url, options);
  return {
    app,
    fake,
    realtime,
    responses,
    weather,
    open,
    startSession: async (options = {}) => {
      const browser = await open(options);
      const callsBefore = realtime.calls.size;
      browser.send({ type: 'session.start', sdp: options.offer ?? TEST_OFFER, ...(options.voice ? { voice: options.voice } : {}) });
      const started = await browser.next('session.started');
      const call = await realtime.waitForCall(callsBefore + 1);
      await realtime.waitForSideband(call);
      return { browser, started, call };
    },
    close: async () => {
      await app.close();
      if (!shared) {
        await realtime.closeAll();
        await fake.stop();
        await weather.stop();
      }
    },
  };
}
