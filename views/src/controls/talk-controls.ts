import type { Preferences } from '../preferences';
import type { MicGate } from './mic-gate';

// The microphone controls: the Mute toggle, the Push-to-talk switch (remembered) and the Talk
// button, held with a pointer, Enter, or the Space bar anywhere on the page while push to talk
// is on — except in form fields, where Space keeps its usual meaning.

export interface TalkControlElements {
  mute: HTMLButtonElement;
  pushToTalk: HTMLInputElement;
  talk: HTMLButtonElement;
  /** Carries data-ptt="on|off" for styling (the hint shows while push to talk is on). */
  card: HTMLElement;
}

/** Space types or toggles in these; it must not become "talk" there. */
function keepsSpace(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName);
}

export class TalkControls {
  constructor(
    private readonly el: TalkControlElements,
    private readonly gate: MicGate,
    private readonly preferences: Preferences,
  ) {
    el.pushToTalk.checked = preferences.pushToTalk;
    gate.setPushToTalk(el.pushToTalk.checked);

    el.mute.addEventListener('click', () => gate.setMuted(!gate.muted));
    el.pushToTalk.addEventListener('change', () => {
      preferences.pushToTalk = el.pushToTalk.checked;
      gate.setPushToTalk(el.pushToTalk.checked);
    });
    this.holdWithPointer();
    this.holdWithKeys();
    window.addEventListener('blur', () => gate.setTalking(false));
    this.render();
  }

  /** Re-read the gate (also called when a call starts or ends: the Talk button shows only in a call). */
  render(): void {
    const { mute, talk, card } = this.el;
    card.dataset.ptt = this.gate.pushToTalk ? 'on' : 'off';
    mute.setAttribute('aria-pressed', String(this.gate.muted));
    talk.hidden = !(this.gate.pushToTalk && this.gate.inCall);
    talk.setAttribute('aria-pressed', String(this.gate.talking));
  }

  private holdWithPointer(): void {
    const { talk } = this.el;
    talk.addEventListener('pointerdown', (event: PointerEvent) => {
      if (event.button !== 0) return;
      talk.setPointerCapture(event.pointerId);
      this.gate.setTalking(true);
    });
    for (const end of ['pointerup', 'pointercancel', 'lostpointercapture'] as const) {
      talk.addEventListener(end, () => this.gate.setTalking(false));
    }
    // A long press would open the context menu on touch screens.
    talk.addEventListener('contextmenu', (event) => event.preventDefault());
  }

  private holdWithKeys(): void {
    const active = () => this.gate.pushToTalk && this.gate.inCall;
    document.addEventListener('keydown', (event: KeyboardEvent) => {
      if (!active()) return;
      const space = event.code === 'Space' && !keepsSpace(event.target);
      const enterOnTalk = event.key === 'Enter' && event.target === this.el.talk;
      if (!space && !enterOnTalk) return;
      event.preventDefault();
      if (!event.repeat) this.gate.setTalking(true);
    });
    document.addEventListener('keyup', (event: KeyboardEvent) => {
      if (!active()) return;
      const space = event.code === 'Space' && !keepsSpace(event.target);
      const enterOnTalk = event.key === 'Enter' && event.target === this.el.talk;
      if (!space && !enterOnTalk) return;
      // On keyup Space would "click" a focused button (say, Disconnect): it means talk here.
      event.preventDefault();
      this.gate.setTalking(false);
    });
  }
}
