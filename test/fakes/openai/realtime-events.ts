// Server events of the OpenAI Realtime API (GA names and shapes, as the `openai` SDK types them), built
// the way the real service sends them, for the fake to emit.

export type ServerEvent = { type: string; event_id: string; [field: string]: unknown };
export type ClientEvent = { type: string; event_id?: string; [field: string]: unknown };

let sequence = 0;
export const nextId = (prefix: string) => `${prefix}_${(++sequence).toString(36).padStart(6, '0')}${Math.random().toString(36).slice(2, 8)}`;

export function serverEvent(type: string, fields: Record<string, unknown> = {}): ServerEvent {
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

export function responseUsage(usage: ResponseUsageInput = {}): Record<string, unknown> {
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
export function transcriptionUsage(audioTokens = 17, textOut = 9): Record<string, unknown> {
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

export interface FunctionCallItem {
  id: string;
  object: 'realtime.item';
  type: 'function_call';
  status: 'completed' | 'in_progress' | 'incomplete';
  name: string;
  call_id: string;
  arguments: string;
}

/**
 * One response in which the model calls functions, in the order the API streams it:
 * response.created → per call output_item.added, arguments delta/done, output_item.done →
 * response.done (status completed, output = the calls, usage).
 */
export function functionCallResponse(
  calls: FunctionCallSpec[],
  options: { responseId?: string; usage?: Record<string, unknown>; status?: string } = {},
): { responseId: string; items: FunctionCallItem[]; events: ServerEvent[] } {
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
  const events: ServerEvent[] = [
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
        status_details: null,
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
  options: { responseId?: string; usage?: Record<string, unknown> } = {},
): { responseId: string; events: ServerEvent[] } {
  const responseId = options.responseId ?? nextId('resp');
  const item = {
    id: nextId('item'),
    object: 'realtime.item',
    type: 'message',
    role: 'assistant',
    status: 'completed',
    content: [{ type: 'output_audio', transcript }],
  };
  const common = { response_id: responseId, item_id: item.id, output_index: 0, content_index: 0 };
  const events = [
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
        status_details: null,
        output: [item],
        usage: options.usage ?? responseUsage(),
      },
    }),
    serverEvent('output_audio_buffer.stopped', { response_id: responseId }),
  ];
  return { responseId, events };
}
