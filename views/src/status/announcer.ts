// Screen-reader announcements through two live regions: polite for state changes and warnings,
// assertive for problems. Each announcement is a new node in its region, so announcements made
// in quick succession (DUCK-E starts speaking as the budget warning arrives) are all read,
// none overwrites another; only the last few are kept.

const KEEP = 4;

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
    const line = document.createElement('span');
    line.textContent = text;
    region.append(line);
    while (region.childElementCount > KEEP) region.firstElementChild?.remove();
  }
}
