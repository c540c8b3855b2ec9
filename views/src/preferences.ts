import { isVoice, Voice } from './voices';

// What the page remembers on this device: the chosen voice and push-to-talk. Storage can be
// missing or throw (private modes, blocked cookies); the page then simply forgets.

const VOICE_KEY = 'ducke.voice';
const PUSH_TO_TALK_KEY = 'ducke.pushToTalk';

export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem'>;

export class Preferences {
  constructor(private readonly storage: KeyValueStorage | undefined) {}

  /** The page's localStorage, or nothing when the browser refuses it. */
  static fromWindow(): Preferences {
    try {
      return new Preferences(window.localStorage);
    } catch {
      return new Preferences(undefined);
    }
  }

  /** The voice chosen earlier, if any (an unknown stored value is ignored). */
  get voice(): Voice | undefined {
    const stored = this.read(VOICE_KEY);
    return isVoice(stored) ? stored : undefined;
  }

  set voice(voice: Voice | undefined) {
    if (voice) this.write(VOICE_KEY, voice);
  }

  get pushToTalk(): boolean {
    return this.read(PUSH_TO_TALK_KEY) === 'on';
  }

  set pushToTalk(on: boolean) {
    this.write(PUSH_TO_TALK_KEY, on ? 'on' : 'off');
  }

  private read(key: string): string | null {
    try {
      return this.storage?.getItem(key) ?? null;
    } catch {
      return null;
    }
  }

  private write(key: string, value: string): void {
    try {
      this.storage?.setItem(key, value);
    } catch {
      // Full or blocked storage: the preference lasts for this visit only.
    }
  }
}
