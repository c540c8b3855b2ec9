import { Injectable } from '@nestjs/common';
import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction, Socket } from 'node:net';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Transform } from 'node:stream';
import { FetchRefusal } from './fetch-refusal';
import type { ResolvedAddress } from './host-resolver';
import type { FetchTarget } from './url-policy';

export interface PinnedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The decoded body, at most `maxBytes`; reading stops (and the connection closes) at the cap. */
  readBody(maxBytes: number): Promise<{ body: Buffer; truncated: boolean }>;
  /** Close without reading. */
  discard(): void;
}

const USER_AGENT = 'DUCK-E/1.0 (voice assistant; reads one page a person asked for)';

/**
 * One GET over node:http / node:https to addresses already checked: the agent's `lookup` answers
 * with those addresses only, so the connection cannot reach any other (no second DNS query, no
 * rebinding), while the request keeps the original name for the Host header, SNI and the
 * certificate check. A fresh agent per request: no socket is reused across hops or calls, and no
 * proxy setting of the environment applies (only the global agents ever read one).
 */
@Injectable()
export class PinnedHttpClient {
  open(target: FetchTarget, addresses: ResolvedAddress[], signal: AbortSignal, connectTimeoutMs: number): Promise<PinnedResponse> {
    const secure = target.url.protocol === 'https:';
    const options = { keepAlive: false, maxSockets: 1, lookup: pinnedLookup(addresses) };
    const agent = secure ? new https.Agent(options) : new http.Agent(options);
    const request = (secure ? https : http).request({
      host: target.hostname,
      port: target.port,
      path: `${target.url.pathname}${target.url.search}`,
      method: 'GET',
      agent,
      signal,
      servername: secure && !target.literal ? target.hostname : undefined,
      headers: {
        host: target.url.host.replace(/\.(?=:\d+$|$)/, ''),
        'user-agent': USER_AGENT,
        accept: 'text/html, text/plain;q=0.9, application/json;q=0.8',
        'accept-encoding': 'gzip, deflate, br',
      },
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => request.destroy(new FetchRefusal('timeout', 'The site did not answer in time.')),
        connectTimeoutMs,
      );
      request.once('socket', (socket: Socket) => socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(timer)));
      request.once('error', (error) => {
        clearTimeout(timer);
        agent.destroy();
        reject(error);
      });
      request.once('response', (response) => {
        clearTimeout(timer);
        const close = () => {
          response.destroy();
          agent.destroy();
        };
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          readBody: (maxBytes) => readCapped(response, maxBytes).finally(close),
          discard: close,
        });
      });
      request.end();
    });
  }
}

/** A `lookup` that never asks DNS: the pre-checked addresses, in the form net.connect asks for. */
function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const wanted = options.family === 4 || options.family === 6 ? addresses.filter((entry) => entry.family === options.family) : addresses;
    if (wanted.length === 0) {
      callback(Object.assign(new Error('no checked address of that family'), { code: 'ENOTFOUND' }), '', 4);
      return;
    }
    if (options.all) (callback as unknown as (error: null, all: ResolvedAddress[]) => void)(null, wanted);
    else callback(null, wanted[0].address, wanted[0].family);
  };
}

/** Read at most `maxBytes` of the decoded body, then stop: nothing past the cap is buffered. */
function readCapped(response: http.IncomingMessage, maxBytes: number): Promise<{ body: Buffer; truncated: boolean }> {
  const decoder = decoderFor(response.headers['content-encoding']);
  if (decoder === 'unknown') return Promise.reject(new FetchRefusal('content_type', 'The site sent the page in a compression I cannot read.'));
  const source = decoder ? response.pipe(decoder) : response;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const finish = (truncated: boolean) => {
      if (settled) return;
      settled = true;
      decoder?.destroy();
      resolve({ body: Buffer.concat(chunks, total), truncated });
    };
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      decoder?.destroy();
      reject(error);
    };
    source.on('data', (chunk: Buffer) => {
      if (settled) return;
      const room = maxBytes - total;
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
      chunks.push(kept);
      total += kept.length;
      if (total >= maxBytes) finish(true);
    });
    source.once('end', () => finish(false));
    source.once('error', (error) => fail(decoder && error !== response.errored ? new FetchRefusal('network', 'The site sent a page I could not decode.') : error));
    response.once('error', fail);
    response.once('aborted', () => fail(new FetchRefusal('network', 'The site closed the connection before the page was complete.')));
  });
}

function decoderFor(encoding: string | undefined): Transform | undefined | 'unknown' {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case '':
    case 'identity':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return 'unknown';
  }
}
