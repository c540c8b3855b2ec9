// Whether the microphone is live: not muted, and — with push to talk on — only while the person
// holds the Talk button or the Space bar. Applied to the track before any audio leaves the page.

export class MicGate {
  private track?: MediaStreamTrack;
  private mutedState = false;
  private pushToTalkState = false;
  private talkingState = false;
  onChange: () => void = () => undefined;

  get muted(): boolean {
    return this.mutedState;
  }

  get pushToTalk(): boolean {
    return this.pushToTalkState;
  }

  get talking(): boolean {
    return this.talkingState;
  }

  /** A call holds a microphone track (from asking for it until the call ends). */
  get inCall(): boolean {
    return this.track !== undefined;
  }

  get open(): boolean {
    return !this.mutedState && (!this.pushToTalkState || this.talkingState);
  }

  attach(track: MediaStreamTrack | undefined): void {
    this.track = track;
    this.talkingState = false;
    this.apply();
  }

  setMuted(muted: boolean): void {
    this.mutedState = muted;
    this.apply();
  }

  setPushToTalk(on: boolean): void {
    this.pushToTalkState = on;
    this.talkingState = false;
    this.apply();
  }

  setTalking(talking: boolean): void {
    if (talking === this.talkingState) return;
    this.talkingState = talking;
    this.apply();
  }

  private apply(): void {
    if (this.track) this.track.enabled = this.open;
    this.onChange();
  }
}
