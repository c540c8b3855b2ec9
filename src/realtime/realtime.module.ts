import { Module } from '@nestjs/common';
import { CostModule } from '../cost/cost.module';
import { ToolsModule } from '../tools/tools.module';
import { SessionConnectionsService } from './connection/session-connections.service';
import { ConnectionGate } from './connection/connection-gate.service';
import { UpgradeGate } from './connection/upgrade-gate.service';
import { HangupRetries } from './openai/hangup-retries';
import { HANGUP_METRIC_PROVIDERS, HangupMetrics } from './openai/hangup.metrics';
import { RealtimeCallsClient } from './openai/realtime-calls.client';
import { SidebandClient } from './openai/sideband.client';
import { REALTIME_METRIC_PROVIDERS, RealtimeMetrics } from './realtime.metrics';
import { SessionConfigFactory } from './session-config/session-config.factory';
import { SessionGateway } from './session.gateway';
import { SessionsService } from './session/sessions.service';

/**
 * Conversations: the /session gateway, the connection gate, the session registry and the
 * OpenAI call + sideband clients. It reaches rate limiting (CONNECT_LIMITER), cost
 * (SESSION_COST) and tools (TOOL_CATALOG) only through the tokens in common/session-ports,
 * provided by RateLimitModule, CostModule and ToolsModule; nothing below imports this module.
 */
@Module({
  // RateLimitModule is global (CONNECT_LIMITER); cost and tools export their ports.
  imports: [CostModule, ToolsModule],
  providers: [
    ...REALTIME_METRIC_PROVIDERS,
    RealtimeMetrics,
    RealtimeCallsClient,
    ...HANGUP_METRIC_PROVIDERS,
    HangupMetrics,
    HangupRetries,
    SidebandClient,
    SessionConfigFactory,
    SessionsService,
    ConnectionGate,
    UpgradeGate,
    SessionConnectionsService,
    SessionGateway,
  ],
})
export class RealtimeModule {}
