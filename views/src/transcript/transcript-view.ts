import { element } from '../dom';
import { toolKind, toolPhrase } from './tool-phrases';
import { Entry, LineEntry, ToolEntry, TranscriptChange, TranscriptModel } from './transcript-model';

// Renders the transcript. Every word is set with textContent: a transcript is text spoken by a
// person or a model, and whatever it contains (<img onerror=…>) must show as those characters.

const SVG_NS = 'http://www.w3.org/2000/svg';
const ICON_PATHS: Record<'weather' | 'search' | 'page' | 'tool', string> = {
  weather: 'M6.5 20a4.5 4.5 0 0 1-.42-8.98A6 6 0 0 1 17.7 9.6 4.5 4.5 0 0 1 17.5 20zM5 3l1.4 1.4M1 9h2M12 1v2',
  search: 'M10 3a7 7 0 1 0 4.2 12.6l5.1 5.1 1.4-1.4-5.1-5.1A7 7 0 0 0 10 3zm0 2a5 5 0 1 1 0 10 5 5 0 0 1 0-10z',
  page: 'M6 2h8l5 5v15H6zM13 2v6h6M9 12h7M9 16h7',
  tool: 'M21 7.5 16.5 3 13 6.5l1.3 1.3-8.8 8.8-1.8-.3L2 19l3 3 2.7-1.7-.3-1.8 8.8-8.8 1.3 1.3z',
};

function icon(kind: keyof typeof ICON_PATHS): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', 'icon');
  const path = document.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', ICON_PATHS[kind]);
  svg.append(path);
  return svg;
}

export class TranscriptView {
  private readonly nodes = new Map<string, HTMLLIElement>();

  constructor(
    private readonly model: TranscriptModel,
    private readonly list: HTMLOListElement,
    private readonly empty: HTMLElement,
    private readonly clearButton: HTMLButtonElement,
  ) {
    model.onChange = (change) => this.apply(change);
    // aria-disabled, not disabled: the button keeps focus after clearing instead of dropping it.
    clearButton.addEventListener('click', () => {
      if (!model.isEmpty) model.clear();
    });
    this.refreshEmpty();
  }

  private apply(change: TranscriptChange): void {
    const stick = this.isScrolledToEnd();
    switch (change.kind) {
      case 'insert': {
        const node = this.render(change.entry);
        this.nodes.set(change.entry.key, node);
        const before = change.before ? this.nodes.get(change.before) : undefined;
        this.list.insertBefore(node, before ?? null);
        break;
      }
      case 'move': {
        const node = this.nodes.get(change.entry.key);
        if (node) this.list.insertBefore(node, (change.before && this.nodes.get(change.before)) || null);
        break;
      }
      case 'update': {
        const old = this.nodes.get(change.entry.key);
        if (!old) break;
        this.fill(old, change.entry);
        break;
      }
      case 'remove':
        this.nodes.get(change.key)?.remove();
        this.nodes.delete(change.key);
        break;
      case 'clear':
        this.nodes.clear();
        this.list.replaceChildren();
        break;
    }
    this.refreshEmpty();
    if (stick) this.list.scrollTop = this.list.scrollHeight;
  }

  private render(entry: Entry): HTMLLIElement {
    const node = element('li');
    node.dataset.key = entry.key;
    if (entry.kind === 'line') {
      node.className = `line line-${entry.speaker}`;
      node.append(element('span', 'speaker', entry.speaker === 'user' ? 'You' : 'DUCK-E'), element('p', 'words'));
    } else {
      node.className = `tool tool-${toolKind(entry.name)}`;
      node.append(icon(toolKind(entry.name)), element('span', 'tool-text'));
    }
    this.fill(node, entry);
    return node;
  }

  private fill(node: HTMLLIElement, entry: Entry): void {
    if (entry.kind === 'line') this.fillLine(node, entry);
    else this.fillTool(node, entry);
  }

  private fillLine(node: HTMLLIElement, entry: LineEntry): void {
    const words = node.querySelector('.words');
    if (!words) return;
    node.classList.toggle('pending', entry.pending);
    node.classList.toggle('failed', entry.failed === true);
    if (entry.failed) words.textContent = 'DUCK-E could not make out these words.';
    else if (entry.text === '') words.textContent = entry.speaker === 'user' ? 'Listening…' : '…';
    else words.textContent = entry.text;
  }

  private fillTool(node: HTMLLIElement, entry: ToolEntry): void {
    node.dataset.status = entry.status;
    const text = node.querySelector('.tool-text');
    if (text) text.textContent = toolPhrase(entry.name, entry.args, entry.status);
  }

  private refreshEmpty(): void {
    const empty = this.model.isEmpty;
    this.empty.hidden = !empty;
    this.list.hidden = empty;
    this.clearButton.setAttribute('aria-disabled', String(empty));
  }

  private isScrolledToEnd(): boolean {
    return this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 40;
  }
}
