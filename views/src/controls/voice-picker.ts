import type { Preferences } from '../preferences';
import { isVoice, Voice, voiceLabel, VOICES } from '../voices';

// The voice list. The choice is remembered and sent with the next `session.start`; during a call
// it is sent as `voice.set` and confirmed by `voice.changed` (or refused with `invalid_voice`,
// which puts the list back on the voice DUCK-E still has).

export const DEFAULT_VOICE: Voice = 'marin';

export class VoicePicker {
  /** The voice the server last confirmed (or the remembered one before any call). */
  private confirmed: string;
  /** Called when the person picks a voice. */
  onPick: (voice: Voice) => void = () => undefined;

  constructor(
    private readonly select: HTMLSelectElement,
    private readonly preferences: Preferences,
  ) {
    for (const voice of VOICES) {
      const option = document.createElement('option');
      option.value = voice;
      option.textContent = voiceLabel(voice);
      select.append(option);
    }
    this.confirmed = preferences.voice ?? DEFAULT_VOICE;
    select.value = this.confirmed;
    select.addEventListener('change', () => {
      if (!isVoice(select.value)) return;
      preferences.voice = select.value;
      this.onPick(select.value);
    });
  }

  /** The remembered choice, if the person ever made one (else the server's default applies). */
  get chosen(): Voice | undefined {
    return this.preferences.voice;
  }

  /** The server says which voice is in use (session.started / voice.changed). */
  confirm(voice: string): void {
    this.confirmed = voice;
    if (isVoice(voice)) {
      this.select.value = voice;
    }
  }

  /** The server refused the pick: back to what DUCK-E still uses, and remember that instead. */
  revert(): void {
    if (isVoice(this.confirmed)) {
      this.select.value = this.confirmed;
      this.preferences.voice = this.confirmed;
    }
  }
}
