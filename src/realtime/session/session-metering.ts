import type { Logger } from '@nestjs/common';
import type { ConversationItemInputAudioTranscriptionCompletedEvent, RealtimeResponse } from 'openai/resources/realtime/realtime';
import type { BackendUsage, MeterVerdict, SessionCost, SessionEndReason } from '../../common/session-ports';
import type { ServerMessage } from '../protocol/server-messages';

export interface SessionMeteringPort {
  readonly sessionId: string;
  /** Verdicts are acted on only while the call is live. */
  live(): boolean;
  notify(message: ServerMessage, droppable: boolean): void;
  end(reason: SessionEndReason): void;
  logger: Logger;
}

/**
 * Hands every usage of one call to the cost module — response.done, input transcription, spend a
 * tool made upstream — and acts on the verdict: `cost.updated` to the browser, and the end when
 * the cost module says so.
 */
export class SessionMetering {
  constructor(
    private readonly cost: SessionCost,
    private readonly port: SessionMeteringPort,
    private readonly models: { model: string; transcriptionModel: string },
  ) {}

  /** response.done: metered once by response id. */
  response(response: RealtimeResponse | undefined): void {
    // Parsed from the network: typed as the SDK declares it, checked as if it were anything.
    const { id, usage } = (response ?? {}) as RealtimeResponse;
    if (typeof id !== 'string' || !usage || typeof usage !== 'object') return;
    void this.meter(() => this.cost.recordResponseUsage(this.port.sessionId, this.models.model, id, usage));
  }

  /** conversation.item.input_audio_transcription.completed: metered once by item and content index. */
  transcription(event: ConversationItemInputAudioTranscriptionCompletedEvent): void {
    const { item_id: itemId, usage } = event;
    if (typeof itemId !== 'string' || !usage || typeof usage !== 'object') return;
    const contentIndex = typeof event.content_index === 'number' ? event.content_index : 0;
    void this.meter(() => this.cost.recordTranscriptionUsage(this.port.sessionId, this.models.transcriptionModel, `${itemId}:${contentIndex}`, usage));
  }

  /** Spend a tool made for this call (a web search). */
  backend(usage: BackendUsage): Promise<void> {
    return this.meter(() => this.cost.recordBackendUsage(this.port.sessionId, usage));
  }

  private async meter(record: () => Promise<MeterVerdict>): Promise<void> {
    let verdict: MeterVerdict;
    try {
      verdict = await record();
    } catch (error) {
      this.port.logger.error(`session ${this.port.sessionId}: metering failed: ${(error as Error).message}`);
      return;
    }
    if (!this.port.live()) return;
    this.port.notify({ type: 'cost.updated', ...verdict.update }, true);
    if (verdict.end) this.port.end(verdict.reason);
  }
}
