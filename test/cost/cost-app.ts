// Helpers for the cost module's integration specs: the real app (startTestApp) and its
// SESSION_COST port, plus usage objects in OpenAI's response.done shape.
import type { RealtimeResponseUsage } from 'openai/resources/realtime/realtime';
import { EnforcementBus } from '../../src/common/enforcement-bus';
import { SESSION_COST, type ClientIdentity, type EnforcementEvent, type SessionCost } from '../../src/common/session-ports';
import { STATE_STORE } from '../../src/storage/inject-store.decorator';
import type { StateStore } from '../../src/storage/state-store';
import { startTestApp, type TestApp } from '../support/test-app';

export interface CostApp extends TestApp {
  cost: SessionCost;
  store: StateStore;
  /** Every enforcement event this app's cost module emitted, with the time it arrived. */
  events: Array<EnforcementEvent & { at: number }>;
}

const AUTH_REASONS = new Set<string>(['revoked', 'token_expired']);

export async function startCostApp(env: Record<string, string | undefined>): Promise<CostApp> {
  // These specs assert exact metered figures: the time floor (tested on its own) stays off.
  const app = await startTestApp({ OPENAI_API_KEY: 'sk-test-duck-e', COST_PROTECTION_MIN_USD_PER_MINUTE: '0', ...env });
  const cost = app.app.get<SessionCost>(SESSION_COST);
  const events: CostApp['events'] = [];
  // The cost module's decisions on the enforcement bus (auth's revocations travel there too).
  app.app.get(EnforcementBus).subscribe((event) => {
    if (event.kind === 'update' || !AUTH_REASONS.has(event.reason)) events.push({ ...event, at: Date.now() });
  });
  return { ...app, cost, store: app.app.get<StateStore>(STATE_STORE), events };
}

export const identity = (n: number, userKey?: string): ClientIdentity => ({ ip: `198.51.100.${n}`, clientKey: `198.51.100.${n}`, userKey });

/** A gpt-realtime-2 `response.usage` costing exactly `usd` (text output at $24 per 1M tokens). */
export function usageCosting(usd: number): RealtimeResponseUsage {
  const tokens = Math.round((usd * 1_000_000) / 24);
  return {
    total_tokens: tokens,
    input_tokens: 0,
    output_tokens: tokens,
    input_token_details: { text_tokens: 0, audio_tokens: 0, cached_tokens: 0 },
    output_token_details: { text_tokens: tokens, audio_tokens: 0 },
  };
}

export interface SessionsStatus {
  accepting: boolean;
  reason?: string;
  retryAfterSec?: number;
  hourlySpendUsd?: number;
  reservedUsd?: number;
  breakerOpen?: boolean;
}

/** GET /status: the HTTP code and the cost section. */
export async function sessionsStatus(url: string): Promise<{ code: number; status: string; sessions: SessionsStatus }> {
  const response = await fetch(`${url}/status`);
  const body = (await response.json()) as { status: string; sessions: SessionsStatus };
  return { code: response.status, status: body.status, sessions: body.sessions };
}
