import type { RealtimeClientEvent } from 'openai/resources/realtime/realtime';
import type { SidebandClient, SidebandConnection } from '../realtime/openai/sideband.client';
import type { EventLog, ServerEvent } from './event-log';

// The probe's sideband, attached with the server's own SidebandClient: every event goes into
// the call's event log, and when the socket closed is kept, because two checks ask whether
// OpenAI closed it (before the hang-up, and after it).

export interface SidebandClose {
  code: number;
  at: number;
}

export class ProbeSideband {
  private connection?: SidebandConnection;
  private closedWith?: SidebandClose;

  constructor(
    private readonly client: SidebandClient,
    private readonly log: EventLog,
  ) {}

  /** Rejects when the WebSocket does not open. */
  async attach(callId: string): Promise<void> {
    this.connection = await this.client.attach(callId, {
      // The log keeps events as plain records: it reads fields the SDK types per event type.
      onEvent: (event) => this.log.add('sideband', event as unknown as ServerEvent),
      onMalformed: () => undefined,
      onClose: (code) => (this.closedWith = { code, at: Date.now() }),
    });
  }

  get attached(): boolean {
    return this.connection !== undefined;
  }

  /** Set once the socket closed, by either side. */
  get closed(): SidebandClose | undefined {
    return this.closedWith;
  }

  /** A no-op before the sideband attached. */
  send(event: RealtimeClientEvent): void {
    this.connection?.send(event);
  }

  close(): void {
    this.connection?.close();
  }
}
