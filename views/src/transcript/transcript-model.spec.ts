import { applyRealtimeEvent } from './realtime-transcript';
import { TranscriptChange, TranscriptModel } from './transcript-model';

// The transcript's order and content, fed with data-channel events as OpenAI sends them.

const lines = (model: TranscriptModel) =>
  model.list.map((entry) => (entry.kind === 'line' ? `${entry.speaker}:${entry.text}${entry.pending ? '…' : ''}` : `tool:${entry.name}:${entry.status}`));

describe('TranscriptModel', () => {
  it('keeps a line where its item appeared, even when its words arrive after the answer', () => {
    const model = new TranscriptModel();
    applyRealtimeEvent(model, { type: 'conversation.item.added', previous_item_id: null, item: { id: 'u1', type: 'message', role: 'user' } });
    applyRealtimeEvent(model, { type: 'response.output_item.added', item: { id: 'a1', type: 'message', role: 'assistant' } });
    applyRealtimeEvent(model, { type: 'response.output_audio_transcript.delta', item_id: 'a1', delta: 'Sunny ' });
    applyRealtimeEvent(model, { type: 'response.output_audio_transcript.delta', item_id: 'a1', delta: 'in Paris.' });
    applyRealtimeEvent(model, { type: 'conversation.item.input_audio_transcription.completed', item_id: 'u1', transcript: 'Weather in Paris?' });
    expect(lines(model)).toEqual(['user:Weather in Paris?', 'assistant:Sunny in Paris.…']);
    applyRealtimeEvent(model, { type: 'response.output_audio_transcript.done', item_id: 'a1', transcript: 'Sunny in Paris.' });
    expect(lines(model)).toEqual(['user:Weather in Paris?', 'assistant:Sunny in Paris.']);
  });

  it('places an item after its previous_item_id, not at the end', () => {
    const model = new TranscriptModel();
    applyRealtimeEvent(model, { type: 'conversation.item.added', item: { id: 'u1', type: 'message', role: 'user' } });
    applyRealtimeEvent(model, { type: 'conversation.item.added', item: { id: 'a1', type: 'message', role: 'assistant' } });
    applyRealtimeEvent(model, { type: 'conversation.item.added', previous_item_id: 'u1', item: { id: 'u2', type: 'message', role: 'user' } });
    expect(model.list.map((e) => e.key)).toEqual(['item:u1', 'item:u2', 'item:a1']);
  });

  it('reports inserts with the entry they go before, so the view can keep the same order', () => {
    const model = new TranscriptModel();
    const changes: TranscriptChange[] = [];
    model.onChange = (change) => changes.push(change);
    model.placeLine('a', 'user');
    model.placeLine('c', 'assistant');
    model.placeLine('b', 'user', 'a');
    expect(changes.map((c) => (c.kind === 'insert' ? `${c.entry.key}<${c.before ?? 'end'}` : c.kind))).toEqual(['item:a<end', 'item:c<end', 'item:b<item:c']);
  });

  it('removes a line nobody said anything on, and marks a failed transcription', () => {
    const model = new TranscriptModel();
    applyRealtimeEvent(model, { type: 'conversation.item.added', item: { id: 'u1', type: 'message', role: 'user' } });
    applyRealtimeEvent(model, { type: 'conversation.item.input_audio_transcription.completed', item_id: 'u1', transcript: '  ' });
    expect(model.isEmpty).toBe(true);
    applyRealtimeEvent(model, { type: 'conversation.item.input_audio_transcription.failed', item_id: 'u2' });
    expect(model.list[0]).toMatchObject({ kind: 'line', failed: true, pending: false });
  });

  it('settles an interrupted answer at response.done', () => {
    const model = new TranscriptModel();
    applyRealtimeEvent(model, { type: 'response.output_audio_transcript.delta', item_id: 'a1', delta: 'Well, the' });
    applyRealtimeEvent(model, { type: 'response.output_item.added', item: { id: 'a2', type: 'message', role: 'assistant' } });
    applyRealtimeEvent(model, { type: 'response.done', response: { status: 'cancelled', output: [{ id: 'a1' }, { id: 'a2' }] } });
    expect(lines(model)).toEqual(['assistant:Well, the']);
  });

  it('builds one tool entry per call id from the data channel and the server, never going back to running', () => {
    const model = new TranscriptModel();
    applyRealtimeEvent(model, { type: 'response.output_item.added', item: { id: 'f1', type: 'function_call', call_id: 'c1', name: 'get_current_weather', arguments: '' } });
    applyRealtimeEvent(model, { type: 'response.function_call_arguments.done', call_id: 'c1', name: 'get_current_weather', arguments: '{"location":"Paris"}' });
    model.noteTool('c1', { status: 'done' });
    model.noteTool('c1', { status: 'running' });
    expect(model.list).toEqual([{ kind: 'tool', key: 'call:c1', callId: 'c1', name: 'get_current_weather', args: { location: 'Paris' }, status: 'done', anchored: true }]);
  });

  it("places a chip the server announced early where its function-call item appears on the data channel", () => {
    const model = new TranscriptModel();
    // The server's tool.called beat the data channel's earlier events.
    model.noteTool('c1', { name: 'get_current_weather', status: 'running' });
    applyRealtimeEvent(model, { type: 'conversation.item.input_audio_transcription.completed', item_id: 'u1', transcript: 'Weather in Paris?' });
    applyRealtimeEvent(model, { type: 'response.output_audio_transcript.delta', item_id: 'a1', delta: 'Let me check.' });
    applyRealtimeEvent(model, { type: 'response.output_item.added', item: { id: 'f1', type: 'function_call', call_id: 'c1', name: 'get_current_weather', arguments: '' } });
    applyRealtimeEvent(model, { type: 'response.output_item.added', item: { id: 'f1', type: 'function_call', call_id: 'c1', name: 'get_current_weather', arguments: '' } });
    applyRealtimeEvent(model, { type: 'response.output_audio_transcript.delta', item_id: 'a2', delta: 'Sunny.' });
    expect(lines(model)).toEqual(['user:Weather in Paris?', 'assistant:Let me check.…', 'tool:get_current_weather:running', 'assistant:Sunny.…']);
  });

  it('forgets cleared entries for good: late words for them do not bring them back', () => {
    const model = new TranscriptModel();
    model.appendText('a1', 'assistant', 'Hello');
    model.noteTool('c1', { name: 'web_search' });
    model.clear();
    model.appendText('a1', 'assistant', ' again');
    model.noteTool('c1', { status: 'done' });
    expect(model.isEmpty).toBe(true);
    model.appendText('a2', 'assistant', 'New answer');
    expect(lines(model)).toEqual(['assistant:New answer…']);
  });

  it('keeps markup as plain characters (the view sets them as text)', () => {
    const model = new TranscriptModel();
    applyRealtimeEvent(model, { type: 'conversation.item.input_audio_transcription.completed', item_id: 'u1', transcript: '<img src=x onerror=alert(1)>' });
    expect(lines(model)).toEqual(['user:<img src=x onerror=alert(1)>']);
  });
});
