import type { RealtimeError, RealtimeResponse, RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import type { ConfigWatch } from './config-watch';
import type { MeteringTripwire } from './metering-tripwire';
import type { SessionMetering } from './session-metering';
import type { ToolCalls } from './tool-calls';
import type { VoiceChange } from './voice-change';

/** The parts of a live call that act on what OpenAI says on the sideband. */
export interface CallParts {
  tools: ToolCalls;
  voice: VoiceChange;
  metering?: SessionMetering;
  /** Counts what the sideband metered against what the page saw (usage.seen). */
  tripwire?: MeteringTripwire;
  config?: ConfigWatch;
  /** The call is ending: its pinned config is no longer defended. */
  ending(): boolean;
  warn(message: string): void;
}

/**
 * One sideband event to the part it concerns; events no part needs are ignored. Events are the
 * SDK's types, but parsed from the network with only `type` checked: every handler reads its
 * fields as if they could be anything.
 */
export function routeSidebandEvent(event: RealtimeServerEvent, parts: CallParts): void {
  switch (event.type) {
    case 'session.created':
    case 'session.updated':
      parts.voice.onConfig(event.session);
      if (!parts.ending()) parts.config?.onConfig(event.session, event.type === 'session.created');
      break;
    case 'response.created':
      parts.tools.responseCreated();
      break;
    case 'response.output_item.done':
      parts.tools.itemDone(String(event.response_id ?? ''), event.item);
      break;
    case 'response.done':
      onResponseDone(event.response, parts);
      break;
    case 'conversation.item.input_audio_transcription.completed':
      parts.metering?.transcription(event);
      break;
    case 'output_audio_buffer.started':
    case 'response.output_audio.delta':
    case 'response.output_audio_transcript.delta':
      parts.voice.spoke = true;
      break;
    case 'error':
      onUpstreamError(event.error, parts);
      break;
    default:
      break;
  }
}

function onResponseDone(response: RealtimeResponse | undefined, parts: CallParts): void {
  parts.tools.responseDone(response);
  const { output } = (response ?? {}) as RealtimeResponse;
  if (Array.isArray(output) && output.some((item) => (item as { type?: unknown } | null)?.type === 'message')) parts.voice.spoke = true;
  parts.metering?.response(response);
  parts.tripwire?.sidebandResponseDone(response);
}

function onUpstreamError(error: RealtimeError | undefined, parts: CallParts): void {
  const { code, message, event_id: eventId } = (error ?? {}) as Partial<RealtimeError>;
  if (parts.voice.onError(code, eventId)) return;
  parts.warn(`OpenAI reported ${String(code ?? 'an error')}: ${String(message ?? '').slice(0, 200)}`);
}
