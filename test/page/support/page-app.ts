import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Page } from 'playwright-core';
import type { PageWatch } from './page-browser';
import type { FakeRealtimeCall } from '../../fakes/openai/fake-realtime-call';
import { waitFor } from '../../support/ports';
import { RealtimeApp, startRealtimeApp } from '../../realtime/support/realtime-app';

// The real application with the realtime engineer's fakes (OpenAI calls + sideband + werift
// WebRTC answerer, Open-Meteo), plus a record of the /session sockets so a test can cut one
// the way a network failure would.

export interface PageApp extends RealtimeApp {
  /** http://127.0.0.1:<port>, where the page is served. */
  readonly url: string;
  /** The TCP sockets of /session upgrades, in order. */
  readonly sessionSockets: Duplex[];
}

export async function startPageApp(env: Record<string, string | undefined> = {}): Promise<PageApp> {
  const app = await startRealtimeApp(env);
  const sessionSockets: Duplex[] = [];
  app.app.app.getHttpServer().on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    if (req.url?.startsWith('/session')) sessionSockets.push(socket);
  });
  return Object.assign(app, { url: app.app.url, sessionSockets });
}

/** Click Connect and wait until DUCK-E is listening (data channel open). */
export async function connect(page: Page): Promise<void> {
  await page.click('#connect-button');
  await page.locator('#call[data-state="listening"]').waitFor();
}

/**
 * The fake call behind the page's new conversation, once the fake can reach the page through
 * the data channel and the server through its sideband (so scripted events are not lost).
 */
export async function liveCall(app: PageApp, callNumber: number): Promise<FakeRealtimeCall> {
  const call = await app.realtime.waitForCall(callNumber);
  await app.realtime.waitForSideband(call);
  await waitFor(() => call.channel?.readyState === 'open', 5_000);
  return call;
}

export interface ShownEntry {
  kind: 'line' | 'tool';
  who?: string;
  text: string;
  status?: string;
}

/** The transcript as a person sees it, top to bottom. */
export function transcript(watch: PageWatch): Promise<ShownEntry[]> {
  return watch.probe('transcript');
}
