import type { ConversationItem, RealtimeClientEvent, RealtimeResponse } from 'openai/resources/realtime/realtime';
import type { ToolOutcome } from '../../common/session-ports';
import type { ToolCalledMessage, ToolResultMessage } from '../protocol/server-messages';

// Function calls of one session, read from the sideband. The rules the original Python product
// broke (it ran calls twice, left some without an output, and stalled on a slow tool):
// - run a call only from a completed item, and each call_id exactly once (the same call shows
//   up in response.output_item.done and again in response.done);
// - every call gets an output — an unknown tool or a failure is an error output, never silence;
// - calls run concurrently: a slow tool never holds up other events or other calls, at most
//   MAX_CONCURRENT_TOOL_CALLS at once, and a tool silent past the timeout gets an error output;
// - after all outputs of one response are in, exactly one response.create — unless the
//   response was interrupted, or another response is already running (then the continuation
//   follows that one).

export interface FunctionCallItem {
  name: string;
  callId: string;
  arguments: string;
}

export interface ToolCallsPort {
  /** Run one call (never rejects: failures are outcomes). */
  run(name: string, argumentsJson: string): Promise<ToolOutcome>;
  /** Send one client event on the sideband. */
  send(event: RealtimeClientEvent): void;
  /** Tell the browser. */
  notify(message: ToolCalledMessage | ToolResultMessage): void;
  /** Monotonic ms. */
  now(): number;
  /** Something in our own handling threw (a bug): reported, never an unhandled rejection. */
  fault(error: unknown): void;
  /** A tool that has not answered by then gets an error output (default TOOL_TIMEOUT_MS). */
  timeoutMs?: number;
}

interface Batch {
  pending: number;
  /** response.done seen, with its status. */
  doneStatus?: string;
  /** At least one output was sent for this response. */
  outputs: number;
}

/** More concurrent calls than this in one session get an error output instead of running. */
export const MAX_CONCURRENT_TOOL_CALLS = 8;
/** A tool that has not answered by then gets an error output. */
export const TOOL_TIMEOUT_MS = 45_000;

const TIMED_OUT: ToolOutcome = { ok: false, outcome: 'upstream_error', output: JSON.stringify({ error: 'The tool took too long to answer.' }) };
const FAILED: ToolOutcome = { ok: false, outcome: 'upstream_error', output: JSON.stringify({ error: 'The tool failed.' }) };

export class ToolCalls {
  private readonly started = new Set<string>();
  private readonly batches = new Map<string, Batch>();
  private running = 0;
  private responseActive = false;
  private continuationOwed = false;
  private closed = false;

  constructor(private readonly port: ToolCallsPort) {}

  /** `response.created`: a response is being generated. */
  responseCreated(): void {
    this.responseActive = true;
  }

  /** `response.output_item.done` with a function_call item. */
  itemDone(responseId: string, item: ConversationItem | undefined): void {
    const call = completedFunctionCall(item);
    if (call) this.start(responseId, call);
  }

  /** `response.done`: runs any completed call not seen yet, then settles the batch. */
  responseDone(response: RealtimeResponse | undefined): void {
    this.responseActive = false;
    // Parsed from the network: typed as the SDK declares it, checked as if it were anything.
    const { id, status, output } = (response ?? {}) as { id?: unknown; status?: unknown; output?: unknown };
    const responseId = typeof id === 'string' ? id : '';
    const calls = Array.isArray(output) ? output.map(completedFunctionCall).filter((call): call is FunctionCallItem => call !== undefined) : [];
    for (const call of calls) this.start(responseId, call);
    const batch = this.batches.get(responseId);
    if (batch) {
      batch.doneStatus = typeof status === 'string' ? status : 'unknown';
      this.settle(responseId, batch);
    } else if (this.continuationOwed) {
      // A response without calls ran while our outputs were being added: continue now.
      this.requestResponse();
    }
  }

  /** The session is over: results arriving later are dropped. */
  close(): void {
    this.closed = true;
  }

  private start(responseId: string, call: FunctionCallItem): void {
    if (this.closed || this.started.has(call.callId)) return;
    this.started.add(call.callId);
    let batch = this.batches.get(responseId);
    if (!batch) {
      batch = { pending: 0, outputs: 0 };
      this.batches.set(responseId, batch);
    }
    batch.pending++;
    this.port.notify({ type: 'tool.called', name: call.name, callId: call.callId });
    const startedAt = this.port.now();
    const outcome =
      this.running >= MAX_CONCURRENT_TOOL_CALLS
        ? Promise.resolve<ToolOutcome>({ ok: false, outcome: 'rate_limited', output: JSON.stringify({ error: 'Too many tool calls at once; try again in a moment.' }) })
        : this.runGuarded(call);
    outcome.then((result) => this.finish(responseId, call, result, startedAt)).catch((error: unknown) => this.port.fault(error));
  }

  private async runGuarded(call: FunctionCallItem): Promise<ToolOutcome> {
    this.running++;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ToolOutcome>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), this.port.timeoutMs ?? TOOL_TIMEOUT_MS);
      timer.unref();
    });
    try {
      return await Promise.race([this.port.run(call.name, call.arguments), timeout]);
    } catch {
      return FAILED;
    } finally {
      clearTimeout(timer);
      this.running--;
    }
  }

  private finish(responseId: string, call: FunctionCallItem, result: ToolOutcome, startedAt: number): void {
    if (this.closed) return;
    this.port.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: call.callId, output: result.output } });
    this.port.notify({ type: 'tool.result', name: call.name, callId: call.callId, ok: result.ok, durationMs: Math.round(this.port.now() - startedAt) });
    const batch = this.batches.get(responseId);
    if (!batch) return;
    batch.pending--;
    batch.outputs++;
    this.settle(responseId, batch);
  }

  /** One continuation per batch, once its response is done and every output is in. */
  private settle(responseId: string, batch: Batch): void {
    if (batch.pending > 0 || batch.doneStatus === undefined) return;
    this.batches.delete(responseId);
    if (batch.outputs === 0 || batch.doneStatus !== 'completed') return;
    if (this.responseActive) this.continuationOwed = true;
    else this.requestResponse();
  }

  private requestResponse(): void {
    this.continuationOwed = false;
    this.responseActive = true;
    this.port.send({ type: 'response.create' });
  }
}

function completedFunctionCall(item: unknown): FunctionCallItem | undefined {
  if (!item || typeof item !== 'object') return undefined;
  const { type, status, name, call_id: callId, arguments: args } = item as Record<string, unknown>;
  if (type !== 'function_call' || status !== 'completed') return undefined;
  if (typeof name !== 'string' || typeof callId !== 'string' || !callId) return undefined;
  return { name: name.slice(0, 128), callId: callId.slice(0, 128), arguments: typeof args === 'string' ? args : '{}' };
}
