import { Module } from '@nestjs/common';
import { OPENAI_KEY_PARTICIPANT, SESSION_METRICS_PARTICIPANT, sessionParticipantsProvider } from '../common/session-lifecycle';
import { CostModule } from '../cost/cost.module';
import { ToolsModule } from '../tools/tools.module';
import { CONNECTION_METRIC_PROVIDERS, ConnectionMetrics } from './connection/connection.metrics';
import { SessionConnectionsService } from './connection/session-connections.service';
import { UpgradeGate } from './connection/upgrade-gate.service';
import { HangupRetries } from './openai/hangup-retries';
import { HANGUP_METRIC_PROVIDERS, HangupMetrics } from './openai/hangup.metrics';
import { OpenAiKeyParticipant } from './openai/openai-key.participant';
import { OpenAiRealtimeClients } from './openai/openai-realtime.clients';
import { RealtimeCallsClient } from './openai/realtime-calls.client';
import { SidebandClient } from './openai/sideband.client';
import { SessionConfigFactory } from './session-config/session-config.factory';
import { SessionGateway } from './session.gateway';
import { SessionLifecycle } from './session/session-lifecycle.service';
import { SessionMetricsParticipant } from './session/session-metrics.participant';
import { SESSION_METRIC_PROVIDERS, SessionMetrics } from './session/session.metrics';
import { SessionsStatusReporter } from './session/sessions-status.reporter';
import { SessionsService } from './session/sessions.service';
import { VoiceSessionFactory } from './session/voice-session.factory';

/**
 * Conversations: the /session gateway, the session lifecycle, the session registry and the
 * OpenAI call + sideband clients. It reaches the modules below only through the tokens of
 * common/session-ports (SESSION_COST, TOOL_CATALOG) and common/session-lifecycle (the ordered
 * SESSION_PARTICIPANTS, each module providing its own), and acts on what they decide through
 * the EnforcementBus; nothing below imports this module.
 */
@Module({
  // Auth and rate limiting are global (their participants); cost and tools export their ports.
  imports: [CostModule, ToolsModule],
  providers: [
    ...SESSION_METRIC_PROVIDERS,
    SessionMetrics,
    ...CONNECTION_METRIC_PROVIDERS,
    ConnectionMetrics,
    RealtimeCallsClient,
    ...HANGUP_METRIC_PROVIDERS,
    HangupMetrics,
    HangupRetries,
    SidebandClient,
    OpenAiRealtimeClients,
    SessionConfigFactory,
    OpenAiKeyParticipant,
    { provide: OPENAI_KEY_PARTICIPANT, useExisting: OpenAiKeyParticipant },
    SessionMetricsParticipant,
    { provide: SESSION_METRICS_PARTICIPANT, useExisting: SessionMetricsParticipant },
    sessionParticipantsProvider,
    SessionLifecycle,
    VoiceSessionFactory,
    SessionsService,
    SessionsStatusReporter,
    UpgradeGate,
    SessionConnectionsService,
    SessionGateway,
  ],
})
export class RealtimeModule {}
