import type { Upstream } from '../tool-metrics';

export type UpstreamFailure = 'timeout' | 'network' | 'status' | 'too_large' | 'redirect' | 'invalid_json' | 'aborted';

/** A request to an outside API that gave no usable answer. Never carries the URL (keys live there). */
export class UpstreamError extends Error {
  constructor(
    readonly upstream: Upstream,
    readonly failure: UpstreamFailure,
    readonly status?: number,
  ) {
    super(`${upstream}: ${failure}${status ? ` ${status}` : ''}`);
    this.name = 'UpstreamError';
  }
}
