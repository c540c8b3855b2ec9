import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeOpenAI } from '../../fakes/openai/fake-openai.server';
import { FakeRealtime, installRealtime } from '../../fakes/openai/realtime.handler';
import { installResponses, ResponsesFake } from '../../fakes/openai/responses.handler';
import { FakeOpenMeteo } from '../../fakes/weather/fake-open-meteo.server';
import { RedisServer } from '../../support/redis-server';
import { SpawnedApp, spawnApp } from '../../support/spawned-app';
import { ServerProbe } from './server-probe';

// The whole system on one machine for the reliability suite: the BUILT service (`node
// dist/main.js`, with the container's NODE_OPTIONS) as its own process, so its memory and file
// descriptors are its own, and the local fakes of OpenAI (calls, hang-ups, TLS sidebands,
// Responses API) and Open-Meteo in the test process, optionally a real redis-server. Every
// process is started here and stopped by stop().

/** The container's NODE_OPTIONS (Dockerfile): the app is measured as the image runs it. */
export const IMAGE_NODE_OPTIONS = /NODE_OPTIONS=(\S+)/.exec(readFileSync(join(__dirname, '..', '..', '..', 'Dockerfile'), 'utf8'))?.[1] ?? '';

/** Limits raised out of the way: hundreds of conversations come from one loopback address. */
export const LOAD_ENV: Record<string, string> = {
  RATE_LIMIT_WEBSOCKET: '1000000/minute',
  RATE_LIMIT_STATUS: '1000000/minute',
  RATE_LIMIT_MAIN_PAGE: '1000000/minute',
  RATE_LIMIT_WEATHER_API: '1000000/hour',
  RATE_LIMIT_WEB_SEARCH: '1000000/hour',
  COST_PROTECTION_SESSION_RESERVATION_USD: '0.01',
  COST_PROTECTION_MAX_SESSION_COST_USD: '100',
  COST_PROTECTION_MAX_TOTAL_COST_PER_HOUR_USD: '1000000',
  COST_PROTECTION_CIRCUIT_BREAKER_THRESHOLD_USD: '2000000',
  // The fake reports little usage: spend figures here must be what was metered, not the time floor.
  COST_PROTECTION_MIN_USD_PER_MINUTE: '0',
  LOG_LEVEL: 'warn',
};

export interface ReliabilityStack {
  app: SpawnedApp;
  probe: ServerProbe;
  fake: FakeOpenAI;
  realtime: FakeRealtime;
  responses: ResponsesFake;
  weather: FakeOpenMeteo;
  redis?: RedisServer;
  /** The environment the app was started with (to start another instance like it). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface StackOptions {
  env?: Record<string, string>;
  /** Start a redis-server and point REDIS_URL at it. */
  redis?: boolean;
}

export async function startReliabilityStack(options: StackOptions = {}): Promise<ReliabilityStack> {
  const fake = await FakeOpenAI.start();
  const realtime = installRealtime(fake, { answer: 'canned' });
  const responses = installResponses(fake);
  const weather = await FakeOpenMeteo.start();
  const redis = options.redis ? await RedisServer.start() : undefined;
  const env: Record<string, string> = {
    OPENAI_BASE_URL: fake.baseUrl,
    OPENAI_API_KEY: fake.apiKey,
    ...weather.env,
    ...LOAD_ENV,
    NODE_OPTIONS: IMAGE_NODE_OPTIONS,
    ...(redis ? { REDIS_URL: redis.url } : {}),
    ...options.env,
  };
  let app: SpawnedApp;
  try {
    app = await spawnApp(env);
  } catch (error) {
    await Promise.all([fake.stop(), weather.stop(), redis?.stop()]);
    throw error;
  }
  return {
    app,
    probe: new ServerProbe(app.url, app.child.pid!),
    fake,
    realtime,
    responses,
    weather,
    redis,
    env,
    stop: async () => {
      await app.stop('SIGKILL');
      await realtime.closeAll();
      responses.release();
      await Promise.all([fake.stop(), weather.stop(), redis?.stop()]);
    },
  };
}
