import { Injectable } from '@nestjs/common';

/** One part of /status. `degraded` set → the whole status reads "degraded" with that reason. */
export interface StatusSection {
  degraded?: string;
  [field: string]: unknown;
}

export type StatusContributor = () => StatusSection | Promise<StatusSection>;

/**
 * Feature modules add their part of /status here (storage health, whether sessions are
 * accepted, limiter fallback…) so the health module needs to know none of them.
 */
@Injectable()
export class StatusRegistry {
  private readonly contributors = new Map<string, StatusContributor>();

  register(section: string, contributor: StatusContributor): void {
    this.contributors.set(section, contributor);
  }

  async collect(): Promise<Record<string, StatusSection>> {
    const entries = await Promise.all(
      [...this.contributors].map(async ([section, contributor]) => {
        try {
          return [section, await contributor()] as const;
        } catch (error) {
          return [section, { degraded: `${section} check failed: ${(error as Error).message}` }] as const;
        }
      }),
    );
    return Object.fromEntries(entries);
  }
}
