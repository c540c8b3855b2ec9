import type { RealtimeEvent } from '../rtc/voice-link';
import { Speaker, TranscriptModel } from './transcript-model';

// Maps the Realtime data-channel events (GA names; the beta
// `response.audio_transcript.*` names too, as some deployments still send them) onto the
// transcript. Unknown events are ignored.

type Item = { id?: unknown; type?: unknown; role?: unknown; call_id?: unknown; name?: unknown; arguments?: unknown };

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function speakerOf(role: unknown): Speaker | undefined {
  return role === 'user' ? 'user' : role === 'assistant' ? 'assistant' : undefined;
}

/** Function-call arguments are a JSON string; anything unreadable counts as none. */
export function parseArguments(text: unknown): Record<string, unknown> | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function placeItem(model: TranscriptModel, item: Item | undefined, previousItemId: unknown): void {
  const id = str(item?.id);
  if (!item || !id) return;
  if (item.type === 'message') {
    const speaker = speakerOf(item.role);
    if (speaker) model.placeLine(id, speaker, str(previousItemId));
  } else if (item.type === 'function_call') {
    const callId = str(item.call_id);
    if (callId) model.noteTool(callId, { name: str(item.name), args: parseArguments(item.arguments), fromItem: true });
  }
}

export function applyRealtimeEvent(model: TranscriptModel, event: RealtimeEvent): void {
  const itemId = str(event.item_id);
  switch (event.type) {
    case 'conversation.item.added':
    case 'conversation.item.created':
      placeItem(model, event.item as Item | undefined, event.previous_item_id);
      break;
    case 'response.output_item.added':
      placeItem(model, event.item as Item | undefined, undefined);
      break;
    case 'conversation.item.input_audio_transcription.delta':
      if (itemId) model.appendText(itemId, 'user', str(event.delta) ?? '');
      break;
    case 'conversation.item.input_audio_transcription.completed':
      if (itemId) model.finishText(itemId, 'user', str(event.transcript));
      break;
    case 'conversation.item.input_audio_transcription.failed':
      if (itemId) model.failText(itemId, 'user');
      break;
    case 'response.output_audio_transcript.delta':
    case 'response.audio_transcript.delta':
    case 'response.output_text.delta':
    case 'response.text.delta':
      if (itemId) model.appendText(itemId, 'assistant', str(event.delta) ?? '');
      break;
    case 'response.output_audio_transcript.done':
    case 'response.audio_transcript.done':
      if (itemId) model.finishText(itemId, 'assistant', str(event.transcript));
      break;
    case 'response.output_text.done':
    case 'response.text.done':
      if (itemId) model.finishText(itemId, 'assistant', str(event.text));
      break;
    case 'response.function_call_arguments.done': {
      const callId = str(event.call_id);
      if (callId) model.noteTool(callId, { name: str(event.name), args: parseArguments(event.arguments), fromItem: true });
      break;
    }
    case 'response.done': {
      // An interrupted answer gets no `…transcript.done`: settle whatever was streaming.
      const output = (event.response as { output?: Item[] } | undefined)?.output;
      for (const item of Array.isArray(output) ? output : []) {
        const id = str(item?.id);
        if (id) model.settle(id);
      }
      break;
    }
    default:
      break;
  }
}
