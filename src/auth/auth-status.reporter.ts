import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { StatusRegistry, type StatusSection } from '../common/status-registry';
import { AUTH_SETTINGS, type AuthSettings } from './auth-settings';

/** The `auth` section of /status: whether sessions need a token, and how it is checked. */
@Injectable()
export class AuthStatusReporter implements OnModuleInit {
  constructor(
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
    private readonly registry: StatusRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register('auth', () => this.section());
  }

  section(): StatusSection {
    if (!this.settings.required) return { required: false };
    return { required: true, algorithm: this.settings.algorithm, ...(this.settings.loginUrl ? { loginUrl: this.settings.loginUrl } : {}) };
  }
}
