import type { SessionUpdateEvent } from 'openai/resources/realtime/realtime';
import { errorMessage, type ServerMessage } from '../protocol/server-messages';

export interface VoiceChangePort {
  /** Send one client event on the sideband. */
  send(event: SessionUpdateEvent): void;
  /** Tell the browser. */
  notify(message: ServerMessage): void;
  /** OpenAI must confirm a change (session.updated) within this, ms. */
  confirmMs: number;
}

const VOICE_LOCKED = (voice: string) =>
  `The voice can only change before DUCK-E first speaks in a conversation. Start a new conversation to use ${voice}.`;

/**
 * The voice-change protocol of one call: `voice.set` becomes a `session.update`, and the browser
 * hears `voice.changed` only once OpenAI confirms it (session.updated), or a clear error when
 * OpenAI refuses, stays silent, or the model has already spoken (OpenAI then refuses anyway).
 */
export class VoiceChange {
  /** Set once the model produced audio or a message: the voice is locked from then on. */
  spoke = false;
  private pending?: { voice: string; eventId: string; timer: NodeJS.Timeout };
  private events = 0;

  constructor(
    public voice: string,
    private readonly port: VoiceChangePort,
  ) {}

  /** voice.set on a live call. */
  request(voice: string): void {
    if (voice === this.voice && !this.pending) {
      this.port.notify({ type: 'voice.changed', voice });
      return;
    }
    if (this.spoke) {
      this.port.notify(errorMessage('invalid_voice', VOICE_LOCKED(voice)));
      return;
    }
    if (this.pending) clearTimeout(this.pending.timer);
    const eventId = `ducke_voice_${++this.events}`;
    const timer = setTimeout(() => {
      if (this.pending?.eventId !== eventId) return;
      this.pending = undefined;
      this.port.notify(errorMessage('invalid_voice', `OpenAI did not confirm the change to ${voice}; the voice stays ${this.voice}.`));
    }, this.port.confirmMs);
    this.pending = { voice, eventId, timer };
    this.port.send({ type: 'session.update', event_id: eventId, session: { type: 'realtime', audio: { output: { voice } } } });
  }

  /** session.created / session.updated: confirms a pending change; whatever it says is the voice now. */
  onConfig(session: unknown): void {
    const voice = (session as { audio?: { output?: { voice?: unknown } } } | undefined)?.audio?.output?.voice;
    if (this.pending && voice === this.pending.voice) {
      clearTimeout(this.pending.timer);
      this.pending = undefined;
      this.port.notify({ type: 'voice.changed', voice });
    }
    // Whoever changed it (our update, or the browser's data channel), this is the voice now.
    if (typeof voice === 'string') this.voice = voice;
  }

  /** An OpenAI `error`: true when it answered our pending change (and the browser was told). */
  onError(code: unknown, eventId: unknown): boolean {
    if (!this.pending || (eventId !== this.pending.eventId && code !== 'cannot_update_voice')) return false;
    const { voice, timer } = this.pending;
    clearTimeout(timer);
    this.pending = undefined;
    if (code === 'cannot_update_voice') this.spoke = true;
    this.port.notify(errorMessage('invalid_voice', code === 'cannot_update_voice' ? VOICE_LOCKED(voice) : `OpenAI refused the voice ${voice}.`));
    return true;
  }

  close(): void {
    if (this.pending) clearTimeout(this.pending.timer);
    this.pending = undefined;
  }
}
