import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { appConfig } from '../config/app.config';
import { InjectStore } from '../storage/inject-store.decorator';
import type { StateStore } from '../storage/state-store';
import { StatusRegistry } from '../common/status-registry';

export interface ServiceStatus {
  status: 'ok' | 'degraded';
  version: string;
  uptimeSec: number;
  /** Why the service is degraded (only when it is). */
  reasons?: string[];
  [section: string]: unknown;
}

@Injectable()
export class StatusService implements OnModuleInit {
  private readonly startedAt = Date.now();

  constructor(
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
    @InjectStore() private readonly store: StateStore,
    private readonly registry: StatusRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register('storage', () => {
      const health = this.store.health();
      return health.ok
        ? { backend: health.backend, ok: true }
        : { backend: health.backend, ok: false, degraded: `storage: ${health.reason ?? 'unavailable'}` };
    });
  }

  async status(): Promise<ServiceStatus> {
    const sections = await this.registry.collect();
    const reasons: string[] = [];
    for (const name in sections) if (sections[name].degraded) reasons.push(sections[name].degraded);
    const body: ServiceStatus = {
      status: reasons.length ? 'degraded' : 'ok',
      version: this.app.version,
      uptimeSec: Math.round((Date.now() - this.startedAt) / 1000),
    };
    if (reasons.length) body.reasons = reasons;
    // A section is copied only when it has a `degraded` field to leave out (this runs per request).
    for (const name in sections) {
      const section = sections[name];
      if (!('degraded' in section)) body[name] = section;
      else {
        const { degraded: _degraded, ...fields } = section;
        body[name] = fields;
      }
    }
    return body;
  }
}
