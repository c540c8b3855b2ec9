// The /session protocol (docs/protocol.md): what the page sends and what the server answers.
// Server messages are checked before use: a malformed one is ignored, never trusted.

// The values themselves are the server's (one list for both ends).
import type { SessionLimits, UsageSeenMessage } from '../../../src/common/session-wire';
export type { SessionLimits };

export type ClientMessage =
  | { type: 'session.start'; sdp: string; voice?: string }
  | { type: 'voice.set'; voice: string }
  | { type: 'session.stop' }
  | UsageSeenMessage;

export type ServerMessage =
  | { type: 'session.started'; sessionId: string; sdp: string; model: string; voice: string; limits: SessionLimits }
  | { type: 'cost.updated'; sessionCostUsd: number; budgetUsd: number; budgetWarning?: boolean; secondsLeft?: number }
  | { type: 'tool.called'; name: string; callId: string }
  | { type: 'tool.result'; name: string; callId: string; ok: boolean; durationMs?: number }
  | { type: 'voice.changed'; voice: string }
  | { type: 'session.ended'; reason: string }
  | { type: 'error'; code: string; message: string; retryAfterSec?: number; loginUrl?: string };

type Fields = Record<string, unknown>;

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const optionalNumber = (value: unknown) => (isNumber(value) ? value : undefined);

/** Parse one text frame from the server; undefined when it is not a message the page knows. */
export function parseServerMessage(text: string): ServerMessage | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!data || typeof data !== 'object') return undefined;
  const m = data as Fields;
  switch (m.type) {
    case 'session.started': {
      const limits = (m.limits ?? {}) as Fields;
      if (!isString(m.sdp) || !isNumber(limits.maxCostUsd) || !isNumber(limits.maxDurationSec)) return undefined;
      return {
        type: 'session.started',
        sessionId: isString(m.sessionId) ? m.sessionId : '',
        sdp: m.sdp,
        model: isString(m.model) ? m.model : '',
        voice: isString(m.voice) ? m.voice : '',
        limits: { maxCostUsd: limits.maxCostUsd, maxDurationSec: limits.maxDurationSec },
      };
    }
    case 'cost.updated':
      if (!isNumber(m.sessionCostUsd) || !isNumber(m.budgetUsd)) return undefined;
      return {
        type: 'cost.updated',
        sessionCostUsd: m.sessionCostUsd,
        budgetUsd: m.budgetUsd,
        budgetWarning: m.budgetWarning === true,
        secondsLeft: optionalNumber(m.secondsLeft),
      };
    case 'tool.called':
      if (!isString(m.name) || !isString(m.callId)) return undefined;
      return { type: 'tool.called', name: m.name, callId: m.callId };
    case 'tool.result':
      if (!isString(m.name) || !isString(m.callId)) return undefined;
      return { type: 'tool.result', name: m.name, callId: m.callId, ok: m.ok === true, durationMs: optionalNumber(m.durationMs) };
    case 'voice.changed':
      return isString(m.voice) ? { type: 'voice.changed', voice: m.voice } : undefined;
    case 'session.ended':
      return { type: 'session.ended', reason: isString(m.reason) ? m.reason : 'upstream_error' };
    case 'error':
      return {
        type: 'error',
        code: isString(m.code) ? m.code : 'unknown',
        message: isString(m.message) ? m.message : '',
        retryAfterSec: optionalNumber(m.retryAfterSec),
        loginUrl: isString(m.loginUrl) ? m.loginUrl : undefined,
      };
    default:
      return undefined;
  }
}
