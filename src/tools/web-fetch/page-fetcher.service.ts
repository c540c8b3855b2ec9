import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { isIPv4 } from 'node:net';
import { webFetchConfig } from '../../config/web-fetch.config';
import { ADDRESS_EXCEPTION, AddressException } from './address-exception';
import { classifyAddress } from './address-policy';
import { addressRefusal, FetchRefusal } from './fetch-refusal';
import { HOST_RESOLVER, HostResolver, ResolvedAddress } from './host-resolver';
import { PinnedHttpClient, PinnedResponse } from './pinned-http.client';
import { checkParsedUrl, checkUrl, FetchTarget } from './url-policy';
import { WEB_FETCH_LIMITS, WebFetchLimits } from './web-fetch-limits';

/** The media types web_fetch reads; anything else is refused before its body is read. */
export const READABLE_TYPES = ['text/html', 'text/plain', 'application/json'] as const;
export type ReadableType = (typeof READABLE_TYPES)[number];

export interface FetchedPage {
  /** Where the page was finally read from (after redirects). */
  url: string;
  mediaType: ReadableType;
  /** The charset the response declared, if any. */
  charset?: string;
  body: Buffer;
  /** True when the body reached the byte cap and the rest was never read. */
  truncated: boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * One page, fetched so that no request can reach a non-public address: the URL is checked, the
 * name resolved once, every address it has checked, the connection pinned to those addresses,
 * and every redirect goes through the same steps. Bounded by the connect and total timeouts and
 * the byte cap. Throws FetchRefusal with a plain sentence for anything it will not or cannot do.
 */
@Injectable()
export class PageFetcher {
  private readonly allowedPorts: ReadonlySet<number>;

  constructor(
    @Inject(webFetchConfig.KEY) config: ConfigType<typeof webFetchConfig>,
    @Inject(HOST_RESOLVER) private readonly resolver: HostResolver,
    @Inject(ADDRESS_EXCEPTION) private readonly exception: AddressException,
    @Inject(WEB_FETCH_LIMITS) private readonly limits: WebFetchLimits,
    private readonly http: PinnedHttpClient,
  ) {
    this.allowedPorts = new Set(config.allowedPorts);
  }

  async fetch(urlText: string, callSignal: AbortSignal): Promise<FetchedPage> {
    let target = checkUrl(urlText, this.allowedPorts);
    // One controller per call, its timer cleared at the end (no timer outlives the call).
    const controller = new AbortController();
    const deadline = setTimeout(() => controller.abort(new FetchRefusal('timeout', 'The page took too long to load, so I stopped.')), this.limits.totalTimeoutMs);
    const onCallEnd = () => controller.abort(callSignal.reason);
    callSignal.addEventListener('abort', onCallEnd, { once: true });
    const signal = controller.signal;
    try {
      if (callSignal.aborted) onCallEnd();
      let addresses = await this.addressesOf(target, signal);
      for (let redirects = 0; ; redirects++) {
        const response = await this.http.open(target, addresses, signal, this.limits.connectTimeoutMs);
        if (!REDIRECTS.has(response.status)) return await this.read(target, response);
        response.discard();
        if (redirects >= this.limits.maxRedirects) throw new FetchRefusal('redirects', `The page redirected more than ${this.limits.maxRedirects} times, so I stopped following it.`);
        ({ target, addresses } = await this.nextHop(target, response.headers.location, signal));
      }
    } catch (error) {
      throw explain(error, callSignal, signal);
    } finally {
      clearTimeout(deadline);
      callSignal.removeEventListener('abort', onCallEnd);
    }
  }

  /** Resolve once and accept only if every address is public (a literal was checked with the URL). */
  private async addressesOf(target: FetchTarget, signal: AbortSignal): Promise<ResolvedAddress[]> {
    if (target.literal) return [{ address: target.hostname, family: isIPv4(target.hostname) ? 4 : 6 }];
    const addresses = await this.resolver.resolve(target.hostname, signal);
    if (addresses.length === 0) throw new FetchRefusal('unresolved', "I couldn't find that site: its name does not exist.");
    if (addresses.length > this.limits.maxAddresses) throw new FetchRefusal('host_name', 'That name has too many addresses for me to check.');
    for (const { address } of addresses) {
      if (this.exception.address !== null && address === this.exception.address) continue;
      const verdict = classifyAddress(address);
      if (!verdict.public) throw addressRefusal(verdict.kind);
    }
    return addresses;
  }

  /** A redirect's target, through the same URL and address checks as the first one. */
  private async nextHop(from: FetchTarget, location: string | undefined, signal: AbortSignal): Promise<{ target: FetchTarget; addresses: ResolvedAddress[] }> {
    if (!location) throw new FetchRefusal('status', 'The page redirected without saying where to.');
    let next: URL;
    try {
      next = new URL(location, from.url);
    } catch {
      throw new FetchRefusal('invalid_url', 'The page redirected to something that is not a web address.');
    }
    try {
      const target = checkParsedUrl(next, this.allowedPorts);
      return { target, addresses: await this.addressesOf(target, signal) };
    } catch (error) {
      if (!(error instanceof FetchRefusal) || error.outcome !== 'refused') throw error;
      throw new FetchRefusal(error.reason, `The page redirected somewhere I do not read. ${error.message}`);
    }
  }

  private async read(target: FetchTarget, response: PinnedResponse): Promise<FetchedPage> {
    if (response.status === 404 || response.status === 410) {
      response.discard();
      throw new FetchRefusal('not_found', `There is no page at that address (the site answered ${response.status}).`);
    }
    if (response.status < 200 || response.status > 299) {
      response.discard();
      throw new FetchRefusal('status', `The site answered with an error (HTTP ${response.status}), so there is nothing to read.`);
    }
    const { mediaType, charset } = parseContentType(response.headers['content-type']);
    if (!isReadable(mediaType)) {
      response.discard();
      const what = mediaType ? `a ${mediaType} file` : 'something without a content type';
      throw new FetchRefusal('content_type', `That address is ${what}, not a page I can read: I read HTML, plain text and JSON.`);
    }
    const { body, truncated } = await response.readBody(this.limits.maxBodyBytes);
    return { url: target.url.href, mediaType, charset, body, truncated };
  }
}

function isReadable(mediaType: string | undefined): mediaType is ReadableType {
  return (READABLE_TYPES as readonly string[]).includes(mediaType ?? '');
}

/** `text/html; charset=UTF-8` → { mediaType: 'text/html', charset: 'utf-8' }. */
export function parseContentType(header: string | undefined): { mediaType?: string; charset?: string } {
  if (!header) return {};
  const [type, ...params] = header.split(';');
  const mediaType = type.trim().toLowerCase() || undefined;
  const charsetParam = params.map((param) => param.trim()).find((param) => /^charset=/i.test(param));
  const charset = charsetParam?.slice('charset='.length).replace(/^"|"$/g, '').trim().toLowerCase() || undefined;
  return { mediaType, charset };
}

const TLS_CODES = /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL|HOSTNAME_MISMATCH)/;
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EADDRNOTAVAIL']);

/** Any failure as a FetchRefusal: the call's end and the deadline told apart, socket errors in words. */
function explain(error: unknown, callSignal: AbortSignal, signal: AbortSignal): FetchRefusal {
  if (callSignal.aborted) return new FetchRefusal('aborted', 'The conversation ended before the page was read.');
  // Checked first: cutting a slow body also makes the socket report a broken response.
  if (signal.aborted && signal.reason instanceof FetchRefusal) return signal.reason;
  if (error instanceof FetchRefusal) return error;
  const code = String((error as NodeJS.ErrnoException)?.code ?? '');
  if (TLS_CODES.test(code) || /certificate|altnames|ssl|tls/i.test(String((error as Error)?.message))) {
    return new FetchRefusal('tls', "The site's security certificate is not valid for that address, so I did not read it.");
  }
  if (UNREACHABLE.has(code)) return new FetchRefusal('network', 'I could not connect to that site.');
  if (code.startsWith('HPE_')) return new FetchRefusal('network', 'The site sent an answer I could not understand.');
  return new FetchRefusal('network', 'I could not read that page because the connection failed.');
}
