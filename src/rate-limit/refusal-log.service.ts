import { Injectable, Logger } from '@nestjs/common';
import { maskIp } from '../security/client-address';
import type { LimitedRoute } from './rate-limit-policies';

/** Addresses remembered at once; past this the expired ones are dropped, then all. */
const MAX_TRACKED = 10_000;

interface Quiet {
  /** Until when (epoch ms) further refusals of this key are only counted. */
  until: number;
  suppressed: number;
}

/**
 * One log line per refused address, route and window instead of one per refused request: a
 * flood of 429s must not become a flood of log lines (each one costs the service, not the
 * flooder). The next window's first refusal says how many were left unlogged. Every refusal is
 * still counted in rate_limit_exceeded_total. Both HTTP refusal paths log through here.
 */
@Injectable()
export class RefusalLogService {
  private readonly logger = new Logger('RateLimit');
  private readonly quiet = new Map<string, Quiet>();

  /** `storeKey` is the limiter key (route and client); `ip` is only ever logged masked. */
  refused(route: LimitedRoute, storeKey: string, ip: string, retryAfterSec: number, requestId: string | undefined): void {
    const now = Date.now();
    const entry = this.quiet.get(storeKey);
    if (entry && entry.until > now) {
      entry.suppressed++;
      return;
    }
    const earlier = entry?.suppressed ? ` (${entry.suppressed} more refused in its previous window, not logged)` : '';
    if (!entry && this.quiet.size >= MAX_TRACKED) this.forgetExpired(now);
    this.quiet.set(storeKey, { until: now + retryAfterSec * 1_000, suppressed: 0 });
    this.logger.log(
      `rate limited: ${route} from ${maskIp(ip)} for ${retryAfterSec} s${earlier}; further refusals of this client in this window are counted, not logged` +
        (requestId ? ` (request ${requestId})` : ''),
    );
  }

  private forgetExpired(now: number): void {
    for (const [key, entry] of this.quiet) if (entry.until <= now) this.quiet.delete(key);
    if (this.quiet.size >= MAX_TRACKED) this.quiet.clear();
  }
}
