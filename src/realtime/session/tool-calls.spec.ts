import type { ConversationItem, RealtimeClientEvent } from 'openai/resources/realtime/realtime';
import type { ToolOutcome } from '../../common/session-ports';
import { MAX_CONCURRENT_TOOL_CALLS, ToolCalls } from './tool-calls';

type Deferred = { resolve: (outcome: ToolOutcome) => void; reject: (error: Error) => void; name: string; args: string };

function harness() {
  const sent: RealtimeClientEvent[] = [];
  const notified: Array<Record<string, unknown>> = [];
  const runs: Deferred[] = [];
  let clock = 0;
  const calls = new ToolCalls({
    run: (name, args) => new Promise<ToolOutcome>((resolve, reject) => runs.push({ resolve, reject, name, args })),
    send: (event) => sent.push(event),
    notify: (message) => notified.push(message as unknown as Record<string, unknown>),
    now: () => clock,
    fault: (error) => {
      throw error;
    },
  });
  return {
    calls,
    sent,
    notified,
    runs,
    tick: (ms: number) => (clock += ms),
    types: () => sent.map((event) => event.type),
  };
}

const item = (callId: string, name = 'get_current_weather', status: 'completed' | 'in_progress' | 'incomplete' = 'completed'): ConversationItem => ({
  id: `item_${callId}`,
  type: 'function_call',
  status,
  name,
  call_id: callId,
  arguments: '{"location":"Paris"}',
});
const ok = (output = '{"temp":21}'): ToolOutcome => ({ ok: true, outcome: 'ok', output });
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('ToolCalls', () => {
  it('runs a completed call once, though it appears in output_item.done and in response.done', async () => {
    const h = harness();
    h.calls.responseCreated();
    h.calls.itemDone('resp_1', item('call_1'));
    h.calls.responseDone({ id: 'resp_1', status: 'completed', output: [item('call_1')] });
    expect(h.runs).toHaveLength(1);
    expect(h.runs[0]).toMatchObject({ name: 'get_current_weather', args: '{"location":"Paris"}' });
    expect(h.notified).toEqual([{ type: 'tool.called', name: 'get_current_weather', callId: 'call_1' }]);

    h.tick(42);
    h.runs[0].resolve(ok());
    await flush();
    expect(h.sent).toEqual([
      { type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_1', output: '{"temp":21}' } },
      { type: 'response.create' },
    ]);
    expect(h.notified[1]).toEqual({ type: 'tool.result', name: 'get_current_weather', callId: 'call_1', ok: true, durationMs: 42 });
  });

  it('runs calls found only in response.done (an output_item.done missed during a re-attach)', async () => {
    const h = harness();
    h.calls.responseDone({ id: 'resp_1', status: 'completed', output: [item('call_1')] });
    h.runs[0].resolve(ok());
    await flush();
    expect(h.types()).toEqual(['conversation.item.create', 'response.create']);
  });

  it('ignores items that are not completed function calls', () => {
    const h = harness();
    h.calls.itemDone('resp_1', item('call_1', 'get_current_weather', 'in_progress'));
    h.calls.itemDone('resp_1', { type: 'message', role: 'assistant', status: 'completed', content: [] });
    // No call_id: not something that can be answered.
    h.calls.itemDone('resp_1', { type: 'function_call', status: 'completed', name: 'x', arguments: '{}' });
    h.calls.responseDone({ id: 'resp_1', status: 'incomplete', output: [item('call_2', 'web_search', 'incomplete')] });
    expect(h.runs).toHaveLength(0);
    expect(h.sent).toHaveLength(0);
  });

  it('sends exactly one response.create after every output of a parallel batch', async () => {
    const h = harness();
    h.calls.responseCreated();
    h.calls.itemDone('resp_1', item('call_1'));
    h.calls.itemDone('resp_1', item('call_2', 'web_search'));
    h.runs[1].resolve(ok('{"answer":"x"}'));
    await flush();
    h.calls.responseDone({ id: 'resp_1', status: 'completed', output: [item('call_1'), item('call_2', 'web_search')] });
    expect(h.types()).toEqual(['conversation.item.create']);
    h.runs[0].resolve(ok());
    await flush();
    expect(h.types()).toEqual(['conversation.item.create', 'conversation.item.create', 'response.create']);
  });

  it('gives a failing tool an error output, never silence', async () => {
    const h = harness();
    h.calls.itemDone('resp_1', item('call_1', 'no_such_tool'));
    h.runs[0].reject(new Error('boom'));
    h.calls.responseDone({ id: 'resp_1', status: 'completed', output: [] });
    await flush();
    expect(h.sent[0]).toEqual({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_1', output: '{"error":"The tool failed."}' } });
    expect(h.notified[1]).toMatchObject({ type: 'tool.result', callId: 'call_1', ok: false });
    expect(h.types()).toEqual(['conversation.item.create', 'response.create']);
  });

  it('lets a fast call finish while a slow one is still running', async () => {
    const h = harness();
    h.calls.itemDone('resp_1', item('call_slow', 'web_search'));
    h.calls.responseDone({ id: 'resp_1', status: 'completed', output: [item('call_slow', 'web_search')] });
    h.calls.itemDone('resp_2', item('call_fast'));
    h.calls.responseDone({ id: 'resp_2', status: 'completed', output: [item('call_fast')] });
    h.runs[1].resolve(ok());
    await flush();
    expect(h.sent[0]).toMatchObject({ item: { call_id: 'call_fast' } });
    expect(h.types()).toEqual(['conversation.item.create', 'response.create']);
  });

  it('defers the continuation while another response runs, then sends it once that one is done', async () => {
    const h = harness();
    h.calls.itemDone('resp_1', item('call_1'));
    h.calls.responseDone({ id: 'resp_1', status: 'completed', output: [item('call_1')] });
    h.calls.responseCreated(); // the person spoke again: the server VAD started a response
    h.runs[0].resolve(ok());
    await flush();
    expect(h.types()).toEqual(['conversation.item.create']);
    h.calls.responseDone({ id: 'resp_2', status: 'completed', output: [] });
    expect(h.types()).toEqual(['conversation.item.create', 'response.create']);
    h.calls.responseDone({ id: 'resp_3', status: 'completed', output: [] });
    expect(h.types()).toEqual(['conversation.item.create', 'response.create']);
  });

  it('adds the outputs of an interrupted response but does not continue it', async () => {
    const h = harness();
    h.calls.itemDone('resp_1', item('call_1'));
    h.calls.responseDone({ id: 'resp_1', status: 'cancelled', output: [item('call_1')] });
    h.runs[0].resolve(ok());
    await flush();
    expect(h.types()).toEqual(['conversation.item.create']);
  });

  it('drops results that arrive after the session closed', async () => {
    const h = harness();
    h.calls.itemDone('resp_1', item('call_1'));
    h.calls.close();
    h.runs[0].resolve(ok());
    await flush();
    h.calls.itemDone('resp_2', item('call_2'));
    expect(h.sent).toHaveLength(0);
    expect(h.runs).toHaveLength(1);
  });

  it(`answers calls beyond ${MAX_CONCURRENT_TOOL_CALLS} running ones with an error output`, async () => {
    const h = harness();
    for (let i = 0; i <= MAX_CONCURRENT_TOOL_CALLS; i++) h.calls.itemDone('resp_1', item(`call_${i}`));
    expect(h.runs).toHaveLength(MAX_CONCURRENT_TOOL_CALLS);
    await flush();
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]).toMatchObject({ item: { call_id: `call_${MAX_CONCURRENT_TOOL_CALLS}` } });
    expect(String((h.sent[0] as { item: { output: string } }).item.output)).toContain('Too many tool calls');
  });
});
