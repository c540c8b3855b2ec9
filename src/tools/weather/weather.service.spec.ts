import { Logger } from '@nestjs/common';
import { ManualClock } from '../../../test/support/manual-clock';
import type { ClientIdentity, LimitedTool, ToolCallContext, ToolLimitDecision, ToolLimiter } from '../../common/session-ports';
import { MemoryStore } from '../../storage/memory.store';
import type { CurrentWeatherReport, ForecastReport, Lookup, WeatherSource } from './weather-report';
import type { DiscoveryService } from '@nestjs/core';
import { toolMetrics } from '../../../test/tools/tool-kit';
import { ToolRegistry } from '../tool-registry.service';
import { CurrentWeatherTool } from './current-weather.tool';
import { WEATHER_CACHE_TTL_MS, WeatherService } from './weather.service';

const PARIS: CurrentWeatherReport = {
  place: { name: 'Paris', region: 'Île-de-France', country: 'France', countryCode: 'FR' },
  units: { system: 'metric', temperature: '°C', windSpeed: 'km/h', precipitation: 'mm' },
  current: { observedAt: '2026-05-01T14:15', conditions: 'Partly cloudy', temperature: 17.3, feelsLike: 16.1, humidityPercent: 62, windSpeed: 11.2, precipitation: 0 },
};

/** The weather backend (an outside system) answering from a script, counting calls. */
class ScriptedSource implements WeatherSource {
  readonly name = 'open-meteo' as const;
  calls = 0;
  next: Lookup<CurrentWeatherReport> | Error = { kind: 'found', report: PARIS };

  async current(): Promise<Lookup<CurrentWeatherReport>> {
    this.calls++;
    if (this.next instanceof Error) throw this.next;
    return this.next;
  }

  async forecast(_location: string, days: number): Promise<Lookup<ForecastReport>> {
    this.calls++;
    return { kind: 'found', report: { place: PARIS.place, units: PARIS.units, days: Array.from({ length: days }, (_, i) => ({ date: `2026-05-0${i + 1}`, conditions: 'Overcast', high: 20, low: 11, precipitation: 0 })) } };
  }
}

/** The rate-limit module's ToolLimiter port, as a script. */
class ScriptedLimiter implements ToolLimiter {
  readonly calls: Array<[LimitedTool, ClientIdentity]> = [];
  decision: ToolLimitDecision | Error = { allowed: true };
  async consume(tool: LimitedTool, identity: ClientIdentity): Promise<ToolLimitDecision> {
    this.calls.push([tool, identity]);
    if (this.decision instanceof Error) throw this.decision;
    return this.decision;
  }
}

const context: ToolCallContext = {
  sessionId: 's1',
  requestId: 's1',
  identity: { ip: '198.51.100.1', clientKey: '198.51.100.1' },
  signal: new AbortController().signal,
  reportBackendUsage: async () => undefined,
};

describe('WeatherService', () => {
  let clock: ManualClock;
  let store: MemoryStore;
  let source: ScriptedSource;
  let limiter: ScriptedLimiter;
  let service: WeatherService;
  let registry: ToolRegistry;

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']));
  beforeEach(() => {
    clock = new ManualClock();
    store = new MemoryStore(clock);
    source = new ScriptedSource();
    limiter = new ScriptedLimiter();
    service = new WeatherService(source, store);
    // The weather limit is counted by the registry before the tool runs.
    const metrics = toolMetrics();
    registry = new ToolRegistry({ getProviders: () => [] } as unknown as DiscoveryService, limiter, metrics.calls, metrics.duration);
    registry.register(new CurrentWeatherTool(service));
  });

  /** get_current_weather as a session calls it: limit, then the service; the output parsed back. */
  const current = async (location: string) => {
    const outcome = await registry.run('get_current_weather', JSON.stringify({ location }), context);
    return { outcome: outcome.outcome, output: JSON.parse(outcome.output) as Record<string, unknown> };
  };
  afterEach(() => store.stop());

  it('answers with the report the source found', async () => {
    expect(await current('Paris')).toEqual({ outcome: 'ok', output: PARIS });
    expect(limiter.calls).toEqual([['weather', context.identity]]);
  });

  it('answers the same question again from the cache for 10 minutes, whatever the case and spacing', async () => {
    await service.current('Paris, France', context);
    await service.current('  paris ,  FRANCE', context);
    expect(source.calls).toBe(1);
    clock.advance(WEATHER_CACHE_TTL_MS - 1);
    await service.current('Paris, France', context);
    expect(source.calls).toBe(1);
    clock.advance(2);
    await service.current('Paris, France', context);
    expect(source.calls).toBe(2);
  });

  it('keeps current weather and forecasts of different lengths apart in the cache', async () => {
    await service.current('Paris', context);
    const three = await service.forecast('Paris', 3, context);
    const five = await service.forecast('Paris', 5, context);
    expect(source.calls).toBe(3);
    expect((three.output.days as unknown[]).length).toBe(3);
    expect((five.output.days as unknown[]).length).toBe(5);
  });

  it('says when no place matches, and when several do (with the candidates)', async () => {
    source.next = { kind: 'not_found' };
    expect(await service.current('Xyzzyville', context)).toEqual({
      outcome: 'not_found',
      output: { error: 'not_found', message: expect.stringContaining('"Xyzzyville"') },
    });
    source.next = { kind: 'ambiguous', candidates: ['Springfield, Missouri, United States', 'Springfield, Illinois, United States'] };
    expect(await service.current('Springfield', context)).toEqual({
      outcome: 'ambiguous',
      output: { error: 'ambiguous', message: expect.stringContaining('several places'), candidates: ['Springfield, Missouri, United States', 'Springfield, Illinois, United States'] },
    });
  });

  it('over the limit: a spoken refusal and no look-up, cache included', async () => {
    await current('Paris');
    limiter.decision = { allowed: false, retryAfterSec: 701 };
    const refused = await current('Paris');
    expect(refused).toEqual({
      outcome: 'rate_limited',
      output: { error: 'rate_limited', message: "I've hit my weather limit, try again in 12 minutes.", retryAfterSec: 701 },
    });
    expect(source.calls).toBe(1);
  });

  it('refuses (no request) when the limit cannot be checked', async () => {
    limiter.decision = new Error('store down');
    expect(await current('Paris')).toMatchObject({ outcome: 'upstream_error' });
    expect(source.calls).toBe(0);
  });

  it('turns a failing source into a spoken error, and does not cache it', async () => {
    source.next = new Error('open_meteo: timeout');
    expect(await service.current('Paris', context)).toEqual({
      outcome: 'upstream_error',
      output: { error: 'upstream_error', message: expect.stringContaining('not answering') },
    });
    source.next = { kind: 'found', report: PARIS };
    expect(await service.current('Paris', context)).toMatchObject({ outcome: 'ok' });
    expect(source.calls).toBe(2);
  });

  it('still answers when the store fails (a lost cache costs a request, not the answer)', async () => {
    jest.spyOn(store, 'get').mockRejectedValue(new Error('redis down'));
    jest.spyOn(store, 'set').mockRejectedValue(new Error('redis down'));
    expect(await service.current('Paris', context)).toEqual({ outcome: 'ok', output: PARIS });
  });
});
