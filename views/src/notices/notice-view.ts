import { formatClock } from '../format';
import type { Announcer } from '../status/announcer';
import type { Explanation } from './explanations';

// The notice under the call controls: what happened, in plain words, and what to do next
// (connect again, sign in). A `{countdown}` in the text ticks down live; while it runs,
// `onCountdown` tells the page to hold the Connect button.

export interface NoticeElements {
  box: HTMLElement;
  title: HTMLElement;
  text: HTMLElement;
  retry: HTMLButtonElement;
  login: HTMLAnchorElement;
  play: HTMLButtonElement;
  dismiss: HTMLButtonElement;
}

export class NoticeView {
  private timer?: ReturnType<typeof setInterval>;
  /** Seconds left before trying again makes sense; 0 when free to connect. */
  onCountdown: (secondsLeft: number) => void = () => undefined;
  onRetry: () => void = () => undefined;
  onPlay: () => void = () => undefined;
  /** The person dismissed the notice (or played the voice) with its own button. */
  onClosed: () => void = () => undefined;

  constructor(
    private readonly el: NoticeElements,
    private readonly announcer: Announcer,
  ) {
    el.retry.addEventListener('click', () => this.onRetry());
    el.play.addEventListener('click', () => {
      this.hide();
      this.onPlay();
      this.onClosed();
    });
    el.dismiss.addEventListener('click', () => {
      this.hide();
      this.onClosed();
    });
  }

  show(explanation: Explanation, options: { loginUrl?: string } = {}): void {
    this.stopCountdown();
    const { box, title, retry, login, play } = this.el;
    box.hidden = false;
    box.dataset.tone = explanation.tone;
    title.textContent = explanation.title;
    login.hidden = !(explanation.action === 'login' && options.loginUrl);
    if (options.loginUrl) login.href = options.loginUrl;
    play.hidden = true;

    const deadline = explanation.retryAfterSec ? Date.now() + explanation.retryAfterSec * 1000 : 0;
    const render = () => {
      const left = deadline ? Math.max(0, Math.ceil((deadline - Date.now()) / 1000)) : 0;
      // "Connect again" appears once the wait is over.
      retry.hidden = explanation.action !== 'retry' || left > 0;
      if (deadline && left === 0) {
        this.stopCountdown();
        this.el.text.textContent = 'You can connect again now.';
        this.announcer.polite('You can connect again now.');
      } else {
        this.el.text.textContent = explanation.text.replace('{countdown}', formatClock(left));
      }
      this.onCountdown(left);
    };
    render();
    if (deadline) this.timer = setInterval(render, 250);

    const spoken = `${explanation.title}. ${explanation.text.replace('{countdown}', formatClock(explanation.retryAfterSec ?? 0))}`;
    if (explanation.tone === 'info') this.announcer.polite(spoken);
    else this.announcer.alert(spoken);
  }

  /** The browser refused to start DUCK-E's voice without a tap: offer the button. */
  showPlayButton(): void {
    this.show({ tone: 'warning', title: "Tap to hear DUCK-E", text: "Your browser is holding back DUCK-E's voice until you allow it.", action: 'none' });
    this.el.play.hidden = false;
  }

  /** Hide the notice; a running countdown keeps holding the Connect button until it ends. */
  hide(): void {
    this.el.box.hidden = true;
  }

  /** Hide the notice and forget any countdown (a conversation has started). */
  reset(): void {
    this.stopCountdown();
    this.hide();
    this.onCountdown(0);
  }

  private stopCountdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
