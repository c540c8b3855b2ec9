import { Inject, Injectable } from '@nestjs/common';
import { SESSION_COST, TOOL_CATALOG, type SessionCost, type ToolCatalog } from '../../common/session-ports';
import { RealtimeCallsClient } from '../openai/realtime-calls.client';
import { SidebandClient } from '../openai/sideband.client';
import { RealtimeMetrics } from '../realtime.metrics';
import { SessionConfigFactory } from '../session-config/session-config.factory';
import { SessionLifecycle } from './session-lifecycle.service';
import { SessionClient, VoiceSession, VoiceSessionDeps } from './voice-session';

/** Builds one VoiceSession per `session.start` with what every call shares. */
@Injectable()
export class VoiceSessionFactory {
  constructor(
    private readonly lifecycle: SessionLifecycle,
    @Inject(SESSION_COST) private readonly cost: SessionCost,
    @Inject(TOOL_CATALOG) private readonly catalog: ToolCatalog,
    private readonly calls: RealtimeCallsClient,
    private readonly sideband: SidebandClient,
    private readonly configFactory: SessionConfigFactory,
    private readonly metrics: RealtimeMetrics,
  ) {}

  /** Whether calls can be created at all (OPENAI_API_KEY set). */
  get configured(): boolean {
    return this.calls.configured;
  }

  create(client: SessionClient, voice: string, hooks: Pick<VoiceSessionDeps, 'hangupLater' | 'forgetHangup' | 'callUnwatched' | 'onEnding'> = {}): VoiceSession {
    const { lifecycle, cost, catalog, calls, sideband, configFactory } = this;
    const meteringLost = () => this.metrics.meteringLost();
    return new VoiceSession(client, voice, { lifecycle, cost, catalog, calls, sideband, configFactory, meteringLost, ...hooks });
  }
}
