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
    const reasons = Object.values(sections)
      .map((section) => section.degraded)
      .filter((reason): reason is string => Boolean(reason));
    const body: ServiceStatus = {
      status: reasons.length ? 'degraded' : 'ok',
      version: this.app.version,
      uptimeSec: Math.round((Date.now() - this.startedAt) / 1000),
    };
    if (reasons.length) body.reasons = reasons;
    for (const [name, { degraded: _degraded, ...fields }] of Object.entries(sections)) body[name] = fields;
    return body;
  }
}
