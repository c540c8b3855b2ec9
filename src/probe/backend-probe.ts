import type { Response } from 'openai/resources/responses/responses';
import type { UsageMeter } from '../cost/usage-meter';
import { backendUsage, shapeAnswer } from '../tools/web-search/search-answer';
import type { OpenAIResponsesClient } from '../tools/web-search/openai-responses.client';
import type { WeatherSource } from '../tools/weather/weather-report';
import type { Finding } from './probe-report';
import { PROBE_WEB_SEARCHES } from './spend-estimate';

// The tools' upstreams, called the way the tools call them: five web searches through the
// project's Responses API client, and one current-weather look-up per configured provider.

/** Questions whose answers change daily, so the model has to search. */
export const PROBE_QUERIES = [
  'What is the weather in London today?',
  'What are the top news headlines today?',
  'What is the current price of Bitcoin in US dollars?',
  'Which films are the most watched in cinemas this week?',
  'What is the latest stable release of Node.js?',
];
/** A city every weather provider knows by one name. */
export const PROBE_CITY = 'London';
/** The web-search tool retries an incomplete answer once, so one in five is tolerated. */
const INCOMPLETE_TOLERATED = 1;

export interface BackendProbeResult {
  findings: Finding[];
  spentUsd: number;
}

export async function probeWebSearch(client: OpenAIResponsesClient, meter: UsageMeter): Promise<BackendProbeResult> {
  let incomplete = 0;
  let failed = 0;
  let empty = 0;
  let spentUsd = 0;
  const failures: string[] = [];
  for (const query of PROBE_QUERIES.slice(0, PROBE_WEB_SEARCHES)) {
    let response: Response;
    try {
      response = await client.webSearch(query);
    } catch (error) {
      failed++;
      failures.push(`${(error as { status?: number }).status ?? (error as Error).name}`);
      continue;
    }
    spentUsd += meter.priceBackend(backendUsage(response, client.model)).micro / 1_000_000;
    if (response.status === 'incomplete') incomplete++;
    else if (!shapeAnswer(response).answer) empty++;
  }
  const observed = `${incomplete} incomplete, ${empty} without an answer, ${failed} failed${failures.length ? ` (${failures.join(', ')})` : ''}, of ${PROBE_WEB_SEARCHES}; $${spentUsd.toFixed(4)}`;
  const held = failed === 0 && incomplete <= INCOMPLETE_TOLERATED;
  return {
    spentUsd,
    findings: [
      {
        id: 'web_search.complete',
        assumption: `web searches answer within the token budget (${client.model})`,
        expected: `no failures, at most ${INCOMPLETE_TOLERATED} incomplete of ${PROBE_WEB_SEARCHES}`,
        observed,
        verdict: held ? 'pass' : 'fail',
      },
    ],
  };
}

export async function probeWeather(sources: WeatherSource[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const source of sources) {
    let observed: string;
    let held = false;
    try {
      const lookup = await source.current(PROBE_CITY, AbortSignal.timeout(15_000));
      held = lookup.kind === 'found';
      observed = lookup.kind === 'found' ? `found ${lookup.report.place.name}, ${lookup.report.place.country}: ${lookup.report.current.conditions}` : lookup.kind;
    } catch (error) {
      observed = (error as Error).message;
    }
    findings.push({
      id: `weather.${source.name}`,
      assumption: `${source.name} answers a current-weather look-up`,
      expected: `a report for ${PROBE_CITY}`,
      observed,
      verdict: held ? 'pass' : 'fail',
    });
  }
  return findings;
}
