import { Injectable } from '@nestjs/common';
import { lookup } from 'node:dns/promises';
import { FetchRefusal } from './fetch-refusal';
import type { HostResolver, ResolvedAddress } from './host-resolver';

const NO_SUCH_NAME = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_NODATA']);

/**
 * The operating system's resolver (getaddrinfo: /etc/hosts, then DNS), asked once per hop for
 * every address of the name. The connection is then pinned to what it answered, so a second,
 * different answer (DNS rebinding) is never asked for.
 */
@Injectable()
export class SystemDnsResolver implements HostResolver {
  async resolve(hostname: string, signal: AbortSignal): Promise<ResolvedAddress[]> {
    signal.throwIfAborted();
    // getaddrinfo cannot be cancelled; the race lets the call give up at its deadline.
    const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
    try {
      const found = await Promise.race([lookup(hostname, { all: true, order: 'verbatim' }), aborted]);
      return found.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code && NO_SUCH_NAME.has(code)) return [];
      if (signal.aborted) throw error;
      throw new FetchRefusal('network', "I couldn't look up that site's name right now; try again in a moment.");
    }
  }
}
