import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { Upstream, UPSTREAM_ERRORS_TOTAL } from '../tool-metrics';
import { UpstreamError } from './upstream-error';

export interface UpstreamHttpOptions {
  /** One attempt's limit, body included. */
  attemptTimeoutMs: number;
  /** Pause before the single retry of a 5xx or network failure. */
  retryDelayMs: number;
  /** Bodies above this (decoded) size are dropped unread. */
  maxBodyBytes: number;
}

export const DEFAULT_UPSTREAM_HTTP_OPTIONS: UpstreamHttpOptions = {
  attemptTimeoutMs: 3_000,
  retryDelayMs: 150,
  maxBodyBytes: 1_048_576,
};

/** Optional override of the defaults (tests and the benchmark shorten the timeout). */
export const UPSTREAM_HTTP_OPTIONS = Symbol('UPSTREAM_HTTP_OPTIONS');

export interface UpstreamResponse {
  status: number;
  /** Parsed JSON body (4xx bodies too: the caller decides what a 400 means). */
  body: unknown;
}

/**
 * GET JSON from an outside API the way every tool should: a timeout per attempt, one retry of
 * an idempotent GET on 5xx or a network failure, redirects refused (the only hosts ever called
 * are the configured ones), a cap on the body size, and abort when the session ends.
 */
@Injectable()
export class UpstreamHttp {
  private readonly logger = new Logger(UpstreamHttp.name);
  private readonly options: UpstreamHttpOptions;

  constructor(
    @InjectMetric(UPSTREAM_ERRORS_TOTAL) private readonly errors: Counter<'upstream'>,
    @Optional() @Inject(UPSTREAM_HTTP_OPTIONS) options?: Partial<UpstreamHttpOptions>,
  ) {
    this.options = { ...DEFAULT_UPSTREAM_HTTP_OPTIONS, ...options };
  }

  async getJson(upstream: Upstream, url: URL, signal?: AbortSignal): Promise<UpstreamResponse> {
    try {
      return await this.attempt(upstream, url, signal);
    } catch (error) {
      const failure = error as UpstreamError;
      const retryable = failure.failure === 'network' || (failure.failure === 'status' && (failure.status ?? 0) >= 500);
      if (!retryable || signal?.aborted) throw error;
      await sleep(this.options.retryDelayMs, signal);
      return this.attempt(upstream, url, signal);
    }
  }

  private async attempt(upstream: Upstream, url: URL, signal?: AbortSignal): Promise<UpstreamResponse> {
    const timeout = AbortSignal.timeout(this.options.attemptTimeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      const response = await fetch(url, {
        method: 'GET',
        headers: { accept: 'application/json', 'user-agent': 'DUCK-E/1.0 (voice assistant)' },
        redirect: 'manual',
        signal: combined,
      });
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel();
        throw new UpstreamError(upstream, 'redirect', response.status);
      }
      const text = await readCapped(response, this.options.maxBodyBytes, upstream);
      if (response.status >= 500) throw new UpstreamError(upstream, 'status', response.status);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new UpstreamError(upstream, 'invalid_json', response.status);
      }
      return { status: response.status, body };
    } catch (error) {
      const failure = classify(error, upstream, signal, timeout);
      if (failure.failure !== 'aborted') {
        this.errors.inc({ upstream });
        this.logger.warn(`${upstream} ${url.host}${url.pathname}: ${failure.failure}${failure.status ? ` ${failure.status}` : ''}`);
      }
      throw failure;
    }
  }
}

/** The body as text, refusing it once it grows past `maxBytes` (whatever Content-Length claims). */
async function readCapped(response: Response, maxBytes: number, upstream: Upstream): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new UpstreamError(upstream, 'too_large', response.status);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new UpstreamError(upstream, 'too_large', response.status);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function classify(error: unknown, upstream: Upstream, signal: AbortSignal | undefined, timeout: AbortSignal): UpstreamError {
  if (error instanceof UpstreamError) return error;
  if (signal?.aborted) return new UpstreamError(upstream, 'aborted');
  if (timeout.aborted) return new UpstreamError(upstream, 'timeout');
  return new UpstreamError(upstream, 'network');
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
