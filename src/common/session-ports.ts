// The interfaces the realtime module uses to reach the modules below it, agreed up front so the
// modules can land in any order. Each owning module provides its token (e.g.
// `{ provide: SESSION_COST, useExisting: CostService }`) and exports it; the realtime module
// injects the tokens and never imports an implementation. Nothing here imports realtime.

import type { IncomingMessage } from 'node:http';
import type { ConversationItemInputAudioTranscriptionCompletedEvent, RealtimeFunctionTool, RealtimeResponseUsage } from 'openai/resources/realtime/realtime';
import type { GateDecision, Refusal } from './gate-decision';
import type { SessionEndReason, SessionLimits } from './session-wire';

export type { SessionEndReason, SessionLimits };

/** Who a connection or session belongs to, for every limit. */
export interface ClientIdentity {
  /** The client address under the TRUST_PROXY rule (never logged in full). */
  ip: string;
  /** The key per-client limits count against: IPv4, or the IPv6 /64. */
  clientKey: string;
  /** With auth on: the token's `sub`; limits then count per user as well. */
  userKey?: string;
}

// ---------------------------------------------------------------------------------------------
// Rate limiting (RateLimitModule provides these tokens)

export interface ConnectLimiter {
  /**
   * Count one new /session connection against RATE_LIMIT_WEBSOCKET (per client, and per user with
   * auth). Over the limit → refusal `rate_limited` with `retryAfterSec`. Never waits more than
   * ~300 ms, whatever the state of Redis.
   */
  admitConnection(identity: ClientIdentity): Promise<GateDecision>;
}
export const CONNECT_LIMITER = Symbol('CONNECT_LIMITER');

export type LimitedTool = 'weather' | 'web_search';

export type ToolLimitDecision = { allowed: true } | { allowed: false; retryAfterSec: number };

export interface ToolLimiter {
  /** Count one call of a rate-limited tool (RATE_LIMIT_WEATHER_API / RATE_LIMIT_WEB_SEARCH). */
  consume(tool: LimitedTool, identity: ClientIdentity): Promise<ToolLimitDecision>;
}
export const TOOL_LIMITER = Symbol('TOOL_LIMITER');

/** The inbound messages of one connection (RATE_LIMIT_SESSION_MESSAGES). */
export interface MessageBucket {
  /** False: over the rate; the frame is dropped unparsed. */
  take(): boolean;
}

export interface MessageLimiter {
  /** A bucket for one new connection (`now`: monotonic ms, for tests). */
  forConnection(now?: () => number): MessageBucket;
}
export const MESSAGE_LIMITER = Symbol('MESSAGE_LIMITER');

// ---------------------------------------------------------------------------------------------
// Cost protection (CostModule provides SESSION_COST)

/** The payload of a `cost.updated` message (session-wire.ts), plus warnings. */
export interface CostUpdate {
  sessionCostUsd: number;
  budgetUsd: number;
  /** Set once the session reached 80 % of its budget. */
  budgetWarning?: boolean;
  /** Seconds left before the duration limit, set from one minute before it. */
  secondsLeft?: number;
}

/** `conversation.item.input_audio_transcription.completed` → `usage` (tokens or duration). */
export type TranscriptionUsage = ConversationItemInputAudioTranscriptionCompletedEvent['usage'];

export type MeterVerdict =
  | { end: false; update: CostUpdate }
  | { end: true; reason: SessionEndReason; update: CostUpdate };

/** Backend spend made on behalf of a session (the web_search tool's Responses API call). */
export interface BackendUsage {
  /** De-duplication id (e.g. the Responses API response id). */
  id: string;
  model: string;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  /** Billable web searches (per-call fee). */
  webSearchCalls: number;
}

/** Decided outside a usage event (a timer, another instance, a revocation), carried by the EnforcementBus. */
export type EnforcementEvent =
  /** End one session, or every session on this instance (`sessionId: '*'`). */
  | { kind: 'end'; sessionId: string; reason: SessionEndReason }
  /** Tell one session's browser something new (e.g. the one-minute warning). */
  | { kind: 'update'; sessionId: string; update: CostUpdate };

export interface SessionCost {
  /**
   * Gate step before a call is created: refuses `circuit_open` while the breaker is open,
   * `hourly_cap` when rolling-hour spend (+ reservations) reaches the cap, and fails closed when
   * the ledger cannot be read. When admitted, a reservation for the session is held until
   * `release()`.
   */
  admit(sessionId: string, identity: ClientIdentity): Promise<GateDecision>;
  /** The per-session limits, as `session.started.limits` tells the browser. */
  limits(): SessionLimits;
  /** The call is live: the duration clock and its warnings start now. */
  started(sessionId: string): void;
  /** Meter one `response.done` usage (`response.usage`), de-duplicated by response id. */
  recordResponseUsage(sessionId: string, model: string, responseId: string, usage: RealtimeResponseUsage): Promise<MeterVerdict>;
  /** Meter one input-transcription usage, de-duplicated by item id. */
  recordTranscriptionUsage(sessionId: string, model: string, itemId: string, usage: TranscriptionUsage): Promise<MeterVerdict>;
  /** Meter backend spend made by a tool for this session. */
  recordBackendUsage(sessionId: string, usage: BackendUsage): Promise<MeterVerdict>;
  /** The session is over (any reason): settle and release its reservation, clear its timers. Idempotent. */
  release(sessionId: string): Promise<void>;
}
export const SESSION_COST = Symbol('SESSION_COST');

// ---------------------------------------------------------------------------------------------
// Tools (ToolsModule provides TOOL_CATALOG)

/**
 * A function tool as sent to OpenAI in `session.tools`: the SDK's RealtimeFunctionTool, with the
 * fields DUCK-E always sets made required (`parameters` is the JSON Schema of the arguments).
 */
export type ToolDefinition = Required<Pick<RealtimeFunctionTool, 'type' | 'name' | 'description'>> & { parameters: Record<string, unknown> };

export interface ToolCallContext {
  sessionId: string;
  identity: ClientIdentity;
  /** Correlation id for logs (the session id unless told otherwise). */
  requestId: string;
  /** Aborted when the session ends; tools stop their upstream requests. */
  signal: AbortSignal;
  /** Report spend the tool made upstream (e.g. a web search); the realtime module meters it. */
  reportBackendUsage(usage: BackendUsage): Promise<void>;
}

export type ToolOutcomeKind =
  | 'ok'
  | 'invalid_arguments'
  | 'rate_limited'
  | 'not_found'
  | 'ambiguous'
  | 'upstream_error'
  | 'unknown_tool';

export interface ToolOutcome {
  /** True when the tool produced an answer (not_found/ambiguous are answers, but not ok). */
  ok: boolean;
  outcome: ToolOutcomeKind;
  /** The `function_call_output.output` text: short JSON the model can speak from. */
  output: string;
}

export interface ToolCatalog {
  /** Every tool, for the session's `tools` list. */
  definitions(): ToolDefinition[];
  /** Run one call; never throws (an unknown tool or a failure is an outcome with an error output). */
  run(name: string, argumentsJson: string, context: ToolCallContext): Promise<ToolOutcome>;
}
export const TOOL_CATALOG = Symbol('TOOL_CATALOG');

// ---------------------------------------------------------------------------------------------
// Authentication (AuthModule provides SESSION_AUTHENTICATOR; optional, AUTH_REQUIRED)

/** The person a session runs for, from a verified token. */
export interface AuthenticatedUser {
  /** The token's `sub`: the identity's `userKey`, so limits count per user. */
  sub: string;
  /** The token's `jti`: what revocation names. */
  jti: string;
  /** When the token expires (epoch ms); the session ends then with `token_expired`. */
  expiresAt: number;
}

/** An `unauthorized` refusal; `loginUrl` (AUTH_LOGIN_URL) belongs in the `error` message. */
export type AuthRefusal = Refusal & { loginUrl?: string };

/** Admitted with the user (auth on), or without one (AUTH_REQUIRED=false). */
export type AuthDecision = { admitted: true; user?: AuthenticatedUser } | AuthRefusal;

export interface SessionAuthenticator {
  /**
   * First gate step after the Origin check, before anything is counted or spent: the token from
   * the `ducke_token` cookie or `Authorization: Bearer` on the upgrade (never the query string),
   * verified and checked against the revocation list. Refusals are `unauthorized` (close 1008),
   * or `upstream_error` with `retryAfterSec` when the revocation list cannot be read (fail closed).
   */
  authenticate(req: IncomingMessage): Promise<AuthDecision>;
  /** The session is live on this token: from now on it is ended when the jti is revoked or the token expires. */
  track(sessionId: string, user: AuthenticatedUser): void;
  /** The session is over (any reason). Idempotent. Revoked and expired sessions are announced on the EnforcementBus. */
  untrack(sessionId: string): void;
}
export const SESSION_AUTHENTICATOR = Symbol('SESSION_AUTHENTICATOR');
