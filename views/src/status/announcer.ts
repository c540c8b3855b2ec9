// Screen-reader announcements through two live regions: polite for state changes and warnings,
// assertive for problems. Setting the same text twice is not re-announced, so clear first.

export class Announcer {
  constructor(
    private readonly politeRegion: HTMLElement,
    private readonly alertRegion: HTMLElement,
  ) {}

  polite(text: string): void {
    this.say(this.politeRegion, text);
  }

  alert(text: string): void {
    this.say(this.alertRegion, text);
  }

  private say(region: HTMLElement, text: string): void {
    region.textContent = '';
    // A macrotask later, so assistive tech sees a change even for a repeated message.
    setTimeout(() => {
      region.textContent = text;
    }, 50);
  }
}
