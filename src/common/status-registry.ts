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

  /** Every section, in registration order; sections answered synchronously are not awaited. */
  async collect(): Promise<Record<string, StatusSection>> {
    const sections: Record<string, StatusSection> = {};
    let pending: Promise<void>[] | undefined;
    for (const [section, contributor] of this.contributors) {
      try {
        const result = contributor();
        if (!(result instanceof Promise)) {
          sections[section] = result;
          continue;
        }
        sections[section] = {}; // holds the key's place, so the JSON keeps registration order
        (pending ??= []).push(result.then((value) => void (sections[section] = value), (error: unknown) => void (sections[section] = failed(section, error))));
      } catch (error) {
        sections[section] = failed(section, error);
      }
    }
    if (pending) await Promise.all(pending);
    return sections;
  }
}

function failed(section: string, error: unknown): StatusSection {
  return { degraded: `${section} check failed: ${(error as Error).message}` };
}
