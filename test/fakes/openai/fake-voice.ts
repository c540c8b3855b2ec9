import { nextId, serverEvent, ServerEvent, transcriptionUsage } from './realtime-events';

// The fake's optional audio behaviour (FakeRealtime.voice), for clients that need the media path
// to mean something — the probe, which plays the model's voice back as its own "speech":
//   - while the model speaks, the fake's peer sends Opus-sized RTP frames (not decodable audio;
//     nobody listens to them) instead of echoing the microphone;
//   - a burst of non-silent microphone frames followed by silence is "heard" like OpenAI's voice
//     activity detection and input transcription report it: speech started/stopped, the buffer
//     committed, the user item, and the transcription with its usage.

/** Frames of at most this many bytes are Opus silence (DTX / comfort noise). */
const SILENCE_BYTES = 3;
/** At least this many voiced frames (0.2 s) make speech… */
const MIN_SPEECH_FRAMES = 10;
/** …and this long without voiced frames ends it (server_vad's silence_duration_ms, shortened). */
const SILENCE_MS = 300;

export class FakeVoiceActivity {
  private voiced = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly emit: (event: ServerEvent) => void) {}

  /** One RTP payload from the browser's microphone. */
  heard(payload: Buffer): void {
    if (payload.length <= SILENCE_BYTES) return;
    this.voiced++;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.endOfSpeech(), SILENCE_MS);
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private endOfSpeech(): void {
    const frames = this.voiced;
    this.voiced = 0;
    if (frames < MIN_SPEECH_FRAMES) return;
    const itemId = nextId('item');
    const audioEndMs = frames * 20;
    this.emit(serverEvent('input_audio_buffer.speech_started', { item_id: itemId, audio_start_ms: 0 }));
    this.emit(serverEvent('input_audio_buffer.speech_stopped', { item_id: itemId, audio_end_ms: audioEndMs }));
    this.emit(serverEvent('input_audio_buffer.committed', { item_id: itemId, previous_item_id: null }));
    this.emit(
      serverEvent('conversation.item.added', {
        previous_item_id: null,
        item: { id: itemId, object: 'realtime.item', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_audio' }] },
      }),
    );
    // 600 audio tokens a minute of speech, as OpenAI counts user audio.
    const audioTokens = Math.max(1, Math.round(audioEndMs / 100));
    this.emit(serverEvent('conversation.item.input_audio_transcription.completed', { item_id: itemId, content_index: 0, transcript: 'Quack! The probe hears you.', usage: transcriptionUsage(audioTokens, 8) }));
  }
}

/** The "model voice": frames the size of real Opus speech frames. */
export function voiceFrames(count: number): Buffer[] {
  return Array.from({ length: count }, (_, index) => Buffer.alloc(60, index % 251));
}
