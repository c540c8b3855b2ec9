import type { Announcer } from './announcer';

// The big state line of the call card: ready, connecting, listening, DUCK-E speaking, ended.
// Each state is shown (text, colour, animation via data-state) and announced once.

export type CallState = 'ready' | 'connecting' | 'listening' | 'speaking' | 'ended';

const TITLES: Record<CallState, string> = {
  ready: 'Ready to talk',
  connecting: 'Connecting…',
  listening: 'DUCK-E is listening',
  speaking: 'DUCK-E is speaking',
  ended: 'Conversation ended',
};

const DEFAULT_DETAILS: Record<CallState, string> = {
  ready: 'Press Connect and allow the microphone. Then just talk: DUCK-E answers out loud, and you can interrupt it any time.',
  connecting: 'Setting up the conversation…',
  listening: 'Just talk. You can interrupt DUCK-E any time.',
  speaking: 'Speak to interrupt.',
  ended: 'Press Connect to start a new conversation.',
};

export class CallStatusView {
  private current: CallState = 'ready';
  private detail = '';

  constructor(
    private readonly card: HTMLElement,
    private readonly title: HTMLElement,
    private readonly detailLine: HTMLElement,
    private readonly announcer: Announcer,
  ) {}

  get state(): CallState {
    return this.current;
  }

  /** Show a state; `detail` overrides the default second line. Announced only when it changes. */
  show(state: CallState, detail = DEFAULT_DETAILS[state]): void {
    const previous = this.current;
    const changed = state !== previous;
    this.current = state;
    this.card.dataset.state = state;
    this.title.textContent = TITLES[state];
    if (detail !== this.detail) {
      this.detail = detail;
      this.detailLine.textContent = detail;
    }
    if (changed) this.announcer.polite(this.briefly(previous, state) ? TITLES[state] : `${TITLES[state]}. ${detail}`);
  }

  /**
   * Just the title while connecting and for the listening ↔ speaking flips of every answer:
   * the screen reader should not talk over DUCK-E with the same advice each time.
   */
  private briefly(previous: CallState, state: CallState): boolean {
    return state === 'connecting' || (previous === 'speaking' && state === 'listening') || state === 'speaking';
  }
}
