import type { UsageSeenMessage } from '../../../src/common/session-wire';

// What the page's data channel has seen of OpenAI's metering: every `response.done` and the sum
// of its `response.usage`. The server compares these counts with what its own sideband metered,
// and ends a call whose usage is not reaching it (`metering_lost`): spend safety rests on the
// sideband seeing every response, including those started from this side.

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.ceil(value) : 0);

export class UsageTally {
  private readonly ids = new Set<string>();
  private responses = 0;
  private inputTokens = 0;
  private outputTokens = 0;
  private reported = -1;

  /** Count one data-channel event; true when it was a new `response.done`. */
  see(event: { type: string; [field: string]: unknown }): boolean {
    if (event.type !== 'response.done') return false;
    const response = (event.response ?? {}) as { id?: unknown; usage?: { input_tokens?: unknown; output_tokens?: unknown } };
    if (typeof response.id === 'string') {
      if (this.ids.has(response.id)) return false;
      this.ids.add(response.id);
    }
    this.responses++;
    this.inputTokens += count(response.usage?.input_tokens);
    this.outputTokens += count(response.usage?.output_tokens);
    return true;
  }

  /** The `usage.seen` to send now, or undefined when nothing changed since the last one (a final one always goes). */
  report(final = false): UsageSeenMessage | undefined {
    if (!final && this.responses === this.reported) return undefined;
    this.reported = this.responses;
    const message: UsageSeenMessage = { type: 'usage.seen', responses: this.responses, inputTokens: this.inputTokens, outputTokens: this.outputTokens };
    return final ? { ...message, final: true } : message;
  }
}
