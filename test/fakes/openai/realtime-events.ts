// Server events of the OpenAI Realtime API, built the way the real service sends them, for the
// fake to emit. Every shape is the `openai` SDK's own type: a fake event that drifts from the SDK
// (a renamed field, a missing one) fails `npm run typecheck`.
import type {
  ConversationItemInputAudioTranscriptionCompletedEvent,
  RealtimeClientEvent,
  RealtimeConversationItemAssistantMessage,
  RealtimeConversationItemFunctionCall,
  RealtimeResponseUsage,
  RealtimeServerEvent,
} from 'openai/resources/realtime/realtime';

export type { RealtimeClientEvent as ClientEvent, RealtimeServerEvent as ServerEvent };

/** The server event of one `type`, e.g. `EventOf<'response.done'>` is the SDK's ResponseDoneEvent. */
export type EventOf<T extends RealtimeServerEvent['type']> = Extract<RealtimeServerEvent, { type: T }>;
export type ClientEventOf<T extends RealtimeClientEvent['type']> = Extract<RealtimeClientEvent, { type: T }>;
export type TranscriptionUsage = ConversationItemInputAudioTranscriptionCompletedEvent['usage'];
export type FunctionCallItem = RealtimeConversationItemFunctionCall & { id: string; call_id: string };

let sequence = 0;
export const nextId = (prefix: string) => `${prefix}_${(++sequence).toString(36).padStart(6, '0')}${Math.random().toString(36).slice(2, 8)}`;

/** One server event of `type` with a fresh event_id; `fields` are checked against the SDK type. */
export function serverEvent<T extends RealtimeServerEvent['type']>(type: T, fields: Omit<EventOf<T>, 'type' | 'event_id'>): EventOf<T> {
  return { type, event_id: nextId('event'), ...fields } as EventOf<T>;
}

/**
 * A deliberately malformed or unknown event, for hostile tests only: it is not checked against
 * the SDK types (that is the point), so it can carry what the real API never sends.
 */
export type UncheckedEvent = { type: string; event_id: string; [field: string]: unknown };
export function uncheckedEvent(type: string, fields: Record<string, unknown> = {}): UncheckedEvent {
  return { type, event_id: nextId('event'), ...fields };
}

/** `response.usage` (RealtimeResponseUsage): input = text + audio + image; cached is a subset. */
export interface ResponseUsageInput {
  textIn?: number;
  audioIn?: number;
  cachedText?: number;
  cachedAudio?: number;
  textOut?: number;
  audioOut?: number;
}

export function responseUsage(usage: ResponseUsageInput = {}): RealtimeResponseUsage {
  const { textIn = 120, audioIn = 40, cachedText = 0, cachedAudio = 0, textOut = 20, audioOut = 80 } = usage;
  return {
    total_tokens: textIn + audioIn + textOut + audioOut,
    input_tokens: textIn + audioIn,
    output_tokens: textOut + audioOut,
    input_token_details: {
      text_tokens: textIn,
      audio_tokens: audioIn,
      image_tokens: 0,
      cached_tokens: cachedText + cachedAudio,
      cached_tokens_details: { text_tokens: cachedText, audio_tokens: cachedAudio, image_tokens: 0 },
    },
    output_token_details: { text_tokens: textOut, audio_tokens: audioOut },
  };
}

/** Input-transcription usage, billed at the transcription model's rates. */
export function transcriptionUsage(audioTokens = 17, textOut = 9): TranscriptionUsage {
  return {
    type: 'tokens',
    total_tokens: audioTokens + textOut,
    input_tokens: audioTokens,
    output_tokens: textOut,
    input_token_details: { text_tokens: 0, audio_tokens: audioTokens },
  };
}

export interface FunctionCallSpec {
  name: string;
  /** The arguments JSON string (objects are stringified). */
  arguments: string | Record<string, unknown>;
  callId?: string;
}

type ResponseStatus = NonNullable<EventOf<'response.done'>['response']['status']>;

/**
 * One response in which the model calls functions, in the order the API streams it:
 * response.created → per call output_item.added, arguments delta/done, output_item.done →
 * response.done (status completed, output = the calls, usage).
 */
export function functionCallResponse(
  calls: FunctionCallSpec[],
  options: { responseId?: string; usage?: RealtimeResponseUsage; status?: ResponseStatus } = {},
): { responseId: string; items: FunctionCallItem[]; events: RealtimeServerEvent[] } {
  const responseId = options.responseId ?? nextId('resp');
  const items: FunctionCallItem[] = calls.map((call) => ({
    id: nextId('item'),
    object: 'realtime.item',
    type: 'function_call',
    status: 'completed',
    name: call.name,
    call_id: call.callId ?? nextId('call'),
    arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
  }));
  const events: RealtimeServerEvent[] = [
    serverEvent('response.created', { response: { id: responseId, object: 'realtime.response', status: 'in_progress', output: [] } }),
    serverEvent('rate_limits.updated', { rate_limits: [{ name: 'tokens', limit: 40000, remaining: 39000, reset_seconds: 1.5 }] }),
  ];
  items.forEach((item, outputIndex) => {
    const common = { response_id: responseId, output_index: outputIndex };
    events.push(serverEvent('response.output_item.added', { ...common, item: { ...item, status: 'in_progress', arguments: '' } }));
    const half = Math.ceil(item.arguments.length / 2);
    for (const delta of [item.arguments.slice(0, half), item.arguments.slice(half)]) {
      if (delta) events.push(serverEvent('response.function_call_arguments.delta', { ...common, item_id: item.id, call_id: item.call_id, delta }));
    }
    events.push(
      serverEvent('response.function_call_arguments.done', {
        ...common,
        item_id: item.id,
        call_id: item.call_id,
        name: item.name,
        arguments: item.arguments,
      }),
    );
    events.push(serverEvent('response.output_item.done', { ...common, item }));
  });
  events.push(
    serverEvent('response.done', {
      response: {
        id: responseId,
        object: 'realtime.response',
        status: options.status ?? 'completed',
        output: items,
        usage: options.usage ?? responseUsage(),
      },
    }),
  );
  return { responseId, items, events };
}

/** One spoken answer: audio starts, transcript streams, response.done with usage. */
export function spokenResponse(
  transcript: string,
  options: { responseId?: string; usage?: RealtimeResponseUsage } = {},
): { responseId: string; events: RealtimeServerEvent[] } {
  const responseId = options.responseId ?? nextId('resp');
  const item: RealtimeConversationItemAssistantMessage & { id: string } = {
    id: nextId('item'),
    object: 'realtime.item',
    type: 'message',
    role: 'assistant',
    status: 'completed',
    content: [{ type: 'output_audio', transcript }],
  };
  const common = { response_id: responseId, item_id: item.id, output_index: 0, content_index: 0 };
  const events: RealtimeServerEvent[] = [
    serverEvent('response.created', { response: { id: responseId, object: 'realtime.response', status: 'in_progress', output: [] } }),
    serverEvent('response.output_item.added', { response_id: responseId, output_index: 0, item: { ...item, status: 'in_progress', content: [] } }),
    serverEvent('output_audio_buffer.started', { response_id: responseId }),
    serverEvent('response.output_audio_transcript.delta', { ...common, delta: transcript }),
    serverEvent('response.output_audio_transcript.done', { ...common, transcript }),
    serverEvent('response.output_item.done', { response_id: responseId, output_index: 0, item }),
    serverEvent('response.done', {
      response: {
        id: responseId,
        object: 'realtime.response',
        status: 'completed',
        output: [item],
        usage: options.usage ?? responseUsage(),
      },
    }),
    serverEvent('output_audio_buffer.stopped', { response_id: responseId }),
  ];
  return { responseId, events };
}
