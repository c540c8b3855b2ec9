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

/** "in 45 seconds", "in 12 minutes", "in 1 hour and 5 minutes", "in 4 hours": when a limit lets the next call through. */
export function waitInWords(seconds: number): string {
  const whole = Math.max(1, Math.ceil(seconds));
  if (whole < 60) return `in ${whole} ${plural(whole, 'second')}`;
  const minutes = Math.ceil(whole / 60);
  if (minutes < 60) return `in ${minutes} ${plural(minutes, 'minute')}`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours >= 3) return `in ${Math.ceil(minutes / 60)} hours`;
  return rest === 0 ? `in ${hours} ${plural(hours, 'hour')}` : `in ${hours} ${plural(hours, 'hour')} and ${rest} ${plural(rest, 'minute')}`;
}

const plural = (count: number, unit: string) => (count === 1 ? unit : `${unit}s`);

/** The spoken refusal when a per-client tool limit is reached; no request is made. */
export function rateLimited(what: string, retryAfterSec: number): ToolResult {
  const retry = Math.max(1, Math.ceil(retryAfterSec));
  return failure('rate_limited', `I've hit my ${what} limit, try again ${waitInWords(retry)}.`, { retryAfterSec: retry });
}
