// The conversation as an ordered list of entries: spoken lines (keyed by the Realtime item id)
// and tool activity (keyed by the tool call id). Events arrive out of order — a person's words
// are transcribed after DUCK-E has started answering — so a line takes its place when its item
// first appears and is filled in later. Pure data: the view renders the changes.

export type Speaker = 'user' | 'assistant';

export interface LineEntry {
  kind: 'line';
  key: string;
  itemId: string;
  speaker: Speaker;
  text: string;
  /** Still streaming (or waiting for its transcription). */
  pending: boolean;
  /** The words could not be transcribed. */
  failed?: boolean;
}

export type ToolStatus = 'running' | 'done' | 'failed';

export interface ToolEntry {
  kind: 'tool';
  key: string;
  callId: string;
  name: string;
  args: Record<string, unknown>;
  status: ToolStatus;
  /** Placed by its conversation item (data channel), not just by the server's tool.called. */
  anchored: boolean;
}

export type Entry = LineEntry | ToolEntry;

export type TranscriptChange =
  | { kind: 'insert'; entry: Entry; before?: string }
  | { kind: 'move'; entry: Entry; before?: string }
  | { kind: 'update'; entry: Entry }
  | { kind: 'remove'; key: string }
  | { kind: 'clear' };

const lineKey = (itemId: string) => `item:${itemId}`;
const toolKey = (callId: string) => `call:${callId}`;

export class TranscriptModel {
  private readonly entries: Entry[] = [];
  /** Keys cleared by the person: late events for them are dropped, not resurrected. */
  private readonly cleared = new Set<string>();
  onChange: (change: TranscriptChange) => void = () => undefined;

  get list(): readonly Entry[] {
    return this.entries;
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /** Make room for an item's line; after `previousItemId` when that item is on screen. */
  placeLine(itemId: string, speaker: Speaker, previousItemId?: string | null): LineEntry | undefined {
    const key = lineKey(itemId);
    if (this.cleared.has(key)) return undefined;
    const existing = this.find(key);
    if (existing) return existing as LineEntry;
    const entry: LineEntry = { kind: 'line', key, itemId, speaker, text: '', pending: true };
    this.insert(entry, previousItemId ? lineKey(previousItemId) : undefined);
    return entry;
  }

  /** Streamed words for an item. */
  appendText(itemId: string, speaker: Speaker, delta: string): void {
    const entry = this.placeLine(itemId, speaker);
    if (!entry || !delta) return;
    entry.text += delta;
    this.onChange({ kind: 'update', entry });
  }

  /** The final words for an item (replaces what streamed); nothing said at all removes the line. */
  finishText(itemId: string, speaker: Speaker, text: string | undefined): void {
    const key = lineKey(itemId);
    if (this.cleared.has(key)) return;
    const words = text && text.trim() !== '' ? text : undefined;
    const existing = this.find(key);
    if (!words && (existing === undefined || (existing.kind === 'line' && existing.text === ''))) {
      this.remove(key);
      return;
    }
    const entry = this.placeLine(itemId, speaker);
    if (!entry) return;
    if (words) entry.text = words;
    entry.pending = false;
    this.onChange({ kind: 'update', entry });
  }

  /** The item's audio could not be transcribed. */
  failText(itemId: string, speaker: Speaker): void {
    const entry = this.placeLine(itemId, speaker);
    if (!entry) return;
    entry.pending = false;
    entry.failed = true;
    this.onChange({ kind: 'update', entry });
  }

  /** A line that stopped streaming (the response ended or was interrupted). */
  settle(itemId: string): void {
    const entry = this.find(lineKey(itemId));
    if (entry?.kind !== 'line' || !entry.pending) return;
    if (entry.text === '') return this.remove(entry.key);
    entry.pending = false;
    this.onChange({ kind: 'update', entry });
  }

  /**
   * Tool activity. The server's tool.called/tool.result (WebSocket) and the function-call item
   * (data channel) race each other; the item decides the place: a chip first seen from the
   * server moves to where its item appears (`fromItem`), once.
   */
  noteTool(callId: string, update: { name?: string; args?: Record<string, unknown>; status?: ToolStatus; fromItem?: boolean }): void {
    const key = toolKey(callId);
    if (this.cleared.has(key)) return;
    let entry = this.find(key) as ToolEntry | undefined;
    if (!entry) {
      entry = { kind: 'tool', key, callId, name: update.name ?? 'tool', args: update.args ?? {}, status: update.status ?? 'running', anchored: update.fromItem === true };
      this.insert(entry);
      return;
    }
    if (update.name) entry.name = update.name;
    if (update.args) entry.args = update.args;
    // A result never goes back to running (the server's tool.called may arrive after its result's echo).
    if (update.status && !(update.status === 'running' && entry.status !== 'running')) entry.status = update.status;
    if (update.fromItem && !entry.anchored) {
      entry.anchored = true;
      this.moveToEnd(entry);
    }
    this.onChange({ kind: 'update', entry });
  }

  clear(): void {
    for (const entry of this.entries) this.cleared.add(entry.key);
    this.entries.length = 0;
    this.onChange({ kind: 'clear' });
  }

  private find(key: string): Entry | undefined {
    return this.entries.find((entry) => entry.key === key);
  }

  private insert(entry: Entry, afterKey?: string): void {
    const after = afterKey ? this.entries.findIndex((e) => e.key === afterKey) : -1;
    const index = after >= 0 ? after + 1 : this.entries.length;
    this.entries.splice(index, 0, entry);
    this.onChange({ kind: 'insert', entry, before: this.entries[index + 1]?.key });
  }

  private moveToEnd(entry: Entry): void {
    const index = this.entries.indexOf(entry);
    if (index < 0 || index === this.entries.length - 1) return;
    this.entries.splice(index, 1);
    this.entries.push(entry);
    this.onChange({ kind: 'move', entry });
  }

  private remove(key: string): void {
    const index = this.entries.findIndex((entry) => entry.key === key);
    if (index < 0) return;
    this.entries.splice(index, 1);
    this.onChange({ kind: 'remove', key });
  }
}
