import { Inject, Injectable } from '@nestjs/common';
import { SESSION_COST, TOOL_CATALOG, type SessionCost, type ToolCatalog } from '../../common/session-ports';
import { OpenAiRealtimeClients } from '../openai/openai-realtime.clients';
import { SessionConfigFactory } from '../session-config/session-config.factory';
import { SessionLifecycle } from './session-lifecycle.service';
import { SessionMetrics } from './session.metrics';
import { SessionClient, VoiceSession, VoiceSessionDeps } from './voice-session';

/** Builds one VoiceSession per `session.start` with what every call shares. */
@Injectable()
export class VoiceSessionFactory {
  constructor(
    private readonly lifecycle: SessionLifecycle,
    @Inject(SESSION_COST) private readonly cost: SessionCost,
    @Inject(TOOL_CATALOG) private readonly catalog: ToolCatalog,
    private readonly openai: OpenAiRealtimeClients,
    private readonly configFactory: SessionConfigFactory,
    private readonly metrics: SessionMetrics,
  ) {}

  /** Whether calls can be created at all (OPENAI_API_KEY set). */
  get configured(): boolean {
    return this.openai.calls.configured;
  }

  create(client: SessionClient, voice: string, hooks: Pick<VoiceSessionDeps, 'hangupLater' | 'forgetHangup' | 'callUnwatched' | 'onEnding'> = {}): VoiceSession {
    const { lifecycle, cost, catalog, configFactory } = this;
    const { calls, sideband } = this.openai;
    const meteringLost = () => this.metrics.meteringLost();
    return new VoiceSession(client, voice, { lifecycle, cost, catalog, calls, sideband, configFactory, meteringLost, ...hooks });
  }
}
