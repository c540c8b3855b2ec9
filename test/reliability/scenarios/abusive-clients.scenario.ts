import { sleep, waitFor } from '../../support/ports';
import { FunctionCallItem, nextId, serverEvent, uncheckedEvent } from '../../fakes/openai/realtime-events';
import type { ConversationLoad } from '../support/conversation-load';
import { withTimeout } from '../support/load-client';
import type { ReliabilityStack } from '../support/reliability-stack';

// Two browsers that misbehave while everyone else talks (issue 9, W4 and W7 of the reference):
// one stops reading while the server keeps pushing it events, one floods the server with
// messages. Each must be dealt with alone: the others' latency is measured meanwhile.

export interface PausedReport {
  /** From the first pushed event to the server ending that conversation (its call hung up). */
  closedAfterMs: number;
  hungUp: boolean;
  /** Bytes of browser messages the pushed events would have produced. */
  bytesProduced: number;
  /** Bytes that reached the paused browser once it read again (what was in flight). */
  bytesDelivered: number;
  closeCode: number;
  /** Server RSS growth while the paused socket was being pushed to. */
  rssGrowthBytes: number;
  /** Probe latency p99 of every other conversation during the push. */
  othersP99Ms: number;
}

const LONG = (prefix: string) => `${prefix}_${'x'.repeat(120)}`.slice(0, 128);
/** What one pushed tool call produces for the browser: tool.called + tool.result with 128-char fields. */
const BYTES_PER_CALL = 2 * 128 * 2 + 120;
const PUSH_LIMIT_MS = 20_000;

/**
 * A browser that stops reading its socket while the model keeps calling tools (each call makes
 * the server send tool.called and tool.result, which cannot be dropped): about 1 MB/s of
 * messages for it. The server must stop buffering and close it (1013), hang its call up, and
 * nobody else may notice.
 */
export async function pausedReader(stack: ReliabilityStack, load: ConversationLoad): Promise<PausedReport> {
  const { client, call } = await load.openOne();
  call.respondToCreate = false;
  client.pause();
  const rssBefore = stack.probe.rssBytes();
  let rssPeak = rssBefore;
  const started = performance.now();
  let produced = 0;
  while (!call.ended && performance.now() - started < PUSH_LIMIT_MS) {
    // Two responses of eight unknown-tool calls every 10 ms: ~1 MB/s of browser messages.
    for (let response = 0; response < 2; response++) {
      const responseId = nextId('resp');
      const items = Array.from({ length: 8 }, (): FunctionCallItem => ({ id: nextId('item'), object: 'realtime.item', type: 'function_call', status: 'completed', name: LONG('tool'), call_id: LONG(nextId('call')), arguments: '{}' }));
      for (const [index, item] of items.entries()) call.emit(serverEvent('response.output_item.done', { response_id: responseId, output_index: index, item }));
      // usage: null is not in the SDK type: sent unchecked on purpose (metering must survive it).
      call.emitUnchecked(uncheckedEvent('response.done', { response: { id: responseId, object: 'realtime.response', status: 'completed', output: items, usage: null } }));
      produced += items.length * BYTES_PER_CALL;
    }
    await sleep(10);
    rssPeak = Math.max(rssPeak, stack.probe.rssBytes());
  }
  const closedAfterMs = performance.now() - started;
  const othersP99Ms = load.latency(started).p99;
  client.resume();
  const { code } = await withTimeout(client.closedPromise, 10_000, 'the paused socket closing').catch(() => ({ code: -1 }));
  return {
    closedAfterMs: Math.round(closedAfterMs),
    hungUp: call.endedBy === 'hangup',
    bytesProduced: produced,
    bytesDelivered: client.bytesReceived,
    closeCode: code,
    rssGrowthBytes: rssPeak - rssBefore,
    othersP99Ms,
  };
}

export interface FloodReport {
  sent: number;
  outcome: 'closed' | 'throttled' | 'neither';
  closeCode?: number;
  rateLimitedNotices: number;
  /** Messages of the flood that reached OpenAI (voice changes sent on the sideband). */
  reachedUpstream: number;
  hungUp: boolean;
  othersP99Ms: number;
}

/** A browser sending 1,000 messages within one second (100 every 100 ms) while everyone else talks. */
export async function floodingClient(stack: ReliabilityStack, load: ConversationLoad): Promise<FloodReport> {
  const { client, call } = await load.openOne();
  void stack;
  const started = performance.now();
  let sent = 0;
  for (let burst = 0; burst < 10 && client.open; burst++) {
    for (let i = 0; i < 100 && client.open; i++, sent++) client.send({ type: 'voice.set', voice: i % 2 ? 'verse' : 'sage' });
    await sleep(100);
  }
  const closed = await withTimeout(client.closedPromise, 3_000, 'flood close').catch(() => undefined);
  // A second of everyone else's probes after the flood ended, too.
  await sleep(1_000);
  if (closed) await waitFor(() => call.ended, 5_000).catch(() => undefined);
  const othersP99Ms = load.latency(started).p99;
  if (!closed) await client.stop().catch(() => undefined);
  const rateLimitedNotices = client.errors.filter((error) => error.code === 'rate_limited').length;
  return {
    sent,
    outcome: closed ? 'closed' : rateLimitedNotices ? 'throttled' : 'neither',
    closeCode: closed?.code,
    rateLimitedNotices,
    reachedUpstream: call.clientEvents('session.update').length,
    hungUp: call.endedBy === 'hangup',
    othersP99Ms,
  };
}
