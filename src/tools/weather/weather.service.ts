import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ToolCallContext } from '../../common/session-ports';
import { InjectStore } from '../../storage/inject-store.decorator';
import type { StateStore } from '../../storage/state-store';
import { UpstreamError } from '../http/upstream-error';
import type { ToolResult } from '../tool';
import { answer, failure } from '../tool-result';
import type { Lookup, WeatherSource } from './weather-report';
import { WEATHER_SOURCE } from './weather-report';

/** Identical look-ups within this time are answered from the shared store, with no request. */
export const WEATHER_CACHE_TTL_MS = 10 * 60_000;

/**
 * What both weather tools do around the source (the registry has already counted the call
 * against the caller's weather limit): answer repeated questions from the cache (in the StateStore, so Redis shares it between
 * instances), and turn every lookup into a result the model can speak — never an exception.
 */
@Injectable()
export class WeatherService {
  private readonly logger = new Logger(WeatherService.name);

  constructor(
    @Inject(WEATHER_SOURCE) private readonly source: WeatherSource,
    @InjectStore() private readonly store: StateStore,
  ) {}

  current(location: string, context: ToolCallContext): Promise<ToolResult> {
    return this.lookup(`current:${cacheForm(location)}`, location, context, () => this.source.current(location, context.signal));
  }

  forecast(location: string, days: number, context: ToolCallContext): Promise<ToolResult> {
    return this.lookup(`forecast:${days}:${cacheForm(location)}`, location, context, () => this.source.forecast(location, days, context.signal));
  }

  private async lookup(key: string, location: string, context: ToolCallContext, fetchReport: () => Promise<Lookup<object>>): Promise<ToolResult> {
    const cacheKey = `tools:weather:${this.source.name}:${key}`;
    const cached = await this.readCache(cacheKey);
    if (cached) return cached;

    let lookup: Lookup<object>;
    try {
      lookup = await fetchReport();
    } catch (error) {
      // UpstreamHttp already logged each failed attempt; anything else is a fault of ours.
      if (error instanceof UpstreamError) this.logger.debug(`weather lookup failed (request ${context.requestId}): ${error.message}`);
      else this.logger.error(`weather lookup failed (request ${context.requestId}): ${(error as Error).message}`);
      return failure('upstream_error', 'The weather service is not answering right now; try again in a minute.');
    }
    const result = toResult(lookup, location);
    await this.writeCache(cacheKey, result);
    return result;
  }

  private async readCache(key: string): Promise<ToolResult | undefined> {
    try {
      return await this.store.get<ToolResult>(key);
    } catch {
      return undefined; // a store outage costs a request, not the answer
    }
  }

  private async writeCache(key: string, result: ToolResult): Promise<void> {
    try {
      await this.store.set(key, result, WEATHER_CACHE_TTL_MS);
    } catch {
      // best effort: the next identical question makes a request again
    }
  }
}

function toResult(lookup: Lookup<object>, location: string): ToolResult {
  switch (lookup.kind) {
    case 'found':
      return answer(lookup.report as Record<string, unknown>);
    case 'not_found':
      return failure('not_found', `I couldn't find a place called "${location}". Ask for the town with its state or country.`);
    case 'ambiguous':
      return failure('ambiguous', `"${location}" could be several places; ask which one is meant.`, { candidates: lookup.candidates });
  }
}

/** The same question asked twice maps to one key: case and spacing do not matter. */
function cacheForm(location: string): string {
  return location.toLowerCase().replace(/\s*([,，、،])\s*/gu, ',').replace(/\s+/gu, ' ').trim();
}
