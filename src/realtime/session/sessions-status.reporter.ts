import { Injectable, OnModuleInit } from '@nestjs/common';
import { ReadinessRegistry } from '../../common/readiness-registry';
import { StatusRegistry } from '../../common/status-registry';
import { SessionsService } from './sessions.service';

/** The `conversations` section of /status (SessionsService.counts) and readiness while draining. */
@Injectable()
export class SessionsStatusReporter implements OnModuleInit {
  constructor(
    private readonly sessions: SessionsService,
    private readonly status: StatusRegistry,
    private readonly readiness: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    this.status.register('conversations', () => ({ ...this.sessions.counts() }));
    this.readiness.register('conversations', () => (this.sessions.draining ? 'draining: shutting down, new conversations go to another instance' : undefined));
  }
}
