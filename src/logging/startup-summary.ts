import type { INestApplication } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { TOOL_CATALOG, type ToolCatalog } from '../common/session-ports';
import { appConfig } from '../config/app.config';
import { authConfig } from '../config/auth.config';
import { costConfig } from '../config/cost.config';
import { metricsConfig } from '../config/metrics.config';
import { openaiConfig } from '../config/openai.config';
import { rateLimitConfig } from '../config/rate-limit.config';
import { storageConfig } from '../config/storage.config';
import { weatherConfig } from '../config/weather.config';
import { redisHostOf } from '../storage/redis.store';

// What an operator wants to see once the service is up: where it listens, where state lives,
// the limits in force, what the model can call and through whom, and what is missing.

export interface StartupFacts {
  version: string;
  url: string;
  /** Redis host:port, or undefined for memory. */
  redisHost?: string;
  openaiKey: boolean;
  webSearchModel: string;
  weatherApiKey: boolean;
  cost: { enabled: boolean; maxSessionCostUsd: number; maxSessionDurationMs: number; maxHourlyCostUsd: number; breakerThresholdUsd: number };
  rateLimits: { enabled: boolean; status: string; mainPage: string; websocket: string; weatherApi: string; webSearch: string };
  metrics: { enabled: boolean; token: boolean };
  auth: { required: boolean; algorithm: string };
  tools: string[];
}

/** Printed at start-up as warnings, one line each: the service runs, but not fully. */
export function startupWarnings(facts: StartupFacts): string[] {
  const warnings: string[] = [];
  if (!facts.openaiKey) {
    warnings.push('OPENAI_API_KEY is not set: conversations will be refused (not_configured) until it is set and DUCK-E restarted');
  }
  return warnings;
}

const usd = (amount: number) => `$${amount.toFixed(2)}`;

/** Which upstream answers a tool, as far as configuration says. */
function providerOf(tool: string, facts: StartupFacts): string | undefined {
  if (tool.includes('weather')) return facts.weatherApiKey ? 'weatherapi.com' : 'Open-Meteo';
  if (tool === 'web_search') return `OpenAI ${facts.webSearchModel}`;
  return undefined;
}

/** The summary block, one line per topic. */
export function startupSummary(facts: StartupFacts): string[] {
  const { cost, rateLimits: rl } = facts;
  const missing = [
    !facts.openaiKey && 'OPENAI_API_KEY (conversations are refused)',
    !facts.weatherApiKey && 'WEATHER_API_KEY (optional: Open-Meteo answers weather)',
    facts.metrics.enabled && !facts.metrics.token && 'METRICS_TOKEN (optional: /metrics is open to anyone who reaches the port)',
  ].filter((item): item is string => typeof item === 'string');
  const tools = facts.tools.map((tool) => {
    const provider = providerOf(tool, facts);
    return provider ? `${tool} (${provider})` : tool;
  });
  return [
    `DUCK-E ${facts.version} listening on ${facts.url}`,
    `  storage:        ${facts.redisHost ? `Redis at ${facts.redisHost}, shared by every instance` : 'memory (limits and spend reset on restart)'}`,
    `  cost limits:    ${cost.enabled ? '' : 'NOT ENFORCED — '}${usd(cost.maxSessionCostUsd)} and ${Math.round(cost.maxSessionDurationMs / 60_000)} min per conversation, ${usd(cost.maxHourlyCostUsd)} an hour, breaker at ${usd(cost.breakerThresholdUsd)}`,
    `  rate limits:    ${rl.enabled ? `status ${rl.status}, page ${rl.mainPage}, connect ${rl.websocket}, weather ${rl.weatherApi}, web search ${rl.webSearch}` : 'off'}`,
    `  tools:          ${tools.join(', ') || 'none'}`,
    `  authentication: ${facts.auth.required ? `JWT ${facts.auth.algorithm} required` : 'off'}; metrics: ${facts.metrics.enabled ? (facts.metrics.token ? '/metrics (bearer token)' : '/metrics') : 'off'}`,
    `  not configured: ${missing.join('; ') || 'nothing'}`,
  ];
}

/** Read the facts from the running application's configuration and tool catalog. */
export function startupFacts(app: INestApplication, url: string): StartupFacts {
  const get = <T>(token: string | symbol): T => app.get<T>(token, { strict: false });
  const appCfg = get<ConfigType<typeof appConfig>>(appConfig.KEY);
  const storage = get<ConfigType<typeof storageConfig>>(storageConfig.KEY);
  const openai = get<ConfigType<typeof openaiConfig>>(openaiConfig.KEY);
  const weather = get<ConfigType<typeof weatherConfig>>(weatherConfig.KEY);
  const cost = get<ConfigType<typeof costConfig>>(costConfig.KEY);
  const rl = get<ConfigType<typeof rateLimitConfig>>(rateLimitConfig.KEY);
  const metrics = get<ConfigType<typeof metricsConfig>>(metricsConfig.KEY);
  const auth = get<ConfigType<typeof authConfig>>(authConfig.KEY);
  return {
    version: appCfg.version,
    url,
    redisHost: storage.redisUrl ? redisHostOf(storage.redisUrl) : undefined,
    openaiKey: Boolean(openai.apiKey),
    webSearchModel: openai.webSearchModel,
    weatherApiKey: Boolean(weather.weatherApiKey),
    cost,
    rateLimits: {
      enabled: rl.enabled,
      status: rl.status.text,
      mainPage: rl.mainPage.text,
      websocket: rl.websocket.text,
      weatherApi: rl.weatherApi.text,
      webSearch: rl.webSearch.text,
    },
    metrics: { enabled: metrics.enabled, token: Boolean(metrics.token) },
    auth: { required: auth.required, algorithm: auth.algorithm },
    tools: get<ToolCatalog>(TOOL_CATALOG)
      .definitions()
      .map((tool) => tool.name),
  };
}
