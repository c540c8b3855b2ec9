import { Injectable } from '@nestjs/common';
import { RealtimeCallsClient } from './realtime-calls.client';
import { SidebandClient } from './sideband.client';

/**
 * The two ways a session reaches its call at OpenAI, which every session needs together: call
 * control over REST (create, hang up) and the sideband socket that watches and meters the call.
 * Each stays its own client, so tests still fake or override either one alone.
 */
@Injectable()
export class OpenAiRealtimeClients {
  constructor(
    readonly calls: RealtimeCallsClient,
    readonly sideband: SidebandClient,
  ) {}
}
