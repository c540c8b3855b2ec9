// Small constructors for ToolResult so every tool words its failures the same way.
import type { ToolOutcomeKind } from '../common/session-ports';
import type { ToolResult } from './tool';

/** An answer (also used for not_found / ambiguous, which are answers the model should relay). */
export function answer(output: Record<string, unknown>, outcome: ToolOutcomeKind = 'ok'): ToolResult {
  return { outcome, output };
}

/** A failure the model can speak: `{ error: <outcome>, message }` plus any extra fields. */
export function failure(outcome: ToolOutcomeKind, message: string, extra: Record<string, unknown> = {}): ToolResult {
  return { outcome, output: { error: outcome, message, ...extra } };
}

/** "in 45 seconds", "in 12 minutes", "in 2 hours": how long until a limit lets the next call through. */
export function waitInWords(seconds: number): string {
  const whole = Math.max(1, Math.ceil(seconds));
  if (whole < 60) return `in ${whole} second${whole === 1 ? '' : 's'}`;
  const minutes = Math.ceil(whole / 60);
  if (minutes < 60) return `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.ceil(minutes / 60);
  return `in ${hours} hour${hours === 1 ? '' : 's'}`;
}

/** The spoken refusal when a per-client tool limit is reached; no request is made. */
export function rateLimited(what: string, retryAfterSec: number): ToolResult {
  const retry = Math.max(1, Math.ceil(retryAfterSec));
  return failure('rate_limited', `I've hit my ${what} limit, try again ${waitInWords(retry)}.`, { retryAfterSec: retry });
}
