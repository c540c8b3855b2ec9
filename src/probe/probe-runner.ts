import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { openaiConfig } from '../config/openai.config';
import { realtimeConfig } from '../config/realtime.config';
import { PriceBook } from '../cost/price-book';
import { UsageMeter } from '../cost/usage-meter';
import { RealtimeCallsClient } from '../realtime/openai/realtime-calls.client';
import { SidebandClient } from '../realtime/openai/sideband.client';
import { SessionConfigFactory } from '../realtime/session-config/session-config.factory';
import { OpenAIResponsesClient } from '../tools/web-search/openai-responses.client';
import { WEATHER_SOURCE, type WeatherSource } from '../tools/weather/weather-report';
import { probeWeather, probeWebSearch } from './backend-probe';
import { CallProbe, CallProbeTiming } from './call-probe';
import { exitCodeFor, type Finding, type ProbeReport } from './probe-report';
import { spendBound, type SpendBound } from './spend-estimate';

// The probe runs inside the service's own application context (AppModule, the configuration
// of .env and the environment), so every request goes through the clients, session config and
// price book the server uses. Nothing listens: no HTTP server, no /session.

/** Warnings and errors of the service go to stderr; the table owns stdout. */
class StderrLogger implements LoggerService {
  log(): void {}
  warn(message: unknown, context?: string): void {
    process.stderr.write(`warn ${context ? `[${context}] ` : ''}${String(message)}\n`);
  }
  error(message: unknown, context?: string): void {
    process.stderr.write(`error ${context ? `[${context}] ` : ''}${String(message)}\n`);
  }
}

export class ProbeRunner {
  private constructor(private readonly app: INestApplicationContext) {}

  static async boot(): Promise<ProbeRunner> {
    const app = await NestFactory.createApplicationContext(AppModule.forRoot(), { logger: new StderrLogger(), abortOnError: false });
    return new ProbeRunner(app);
  }

  private get<T>(token: unknown): T {
    return this.app.get<T>(token as never, { strict: false });
  }

  get openai(): ConfigType<typeof openaiConfig> {
    return this.get(openaiConfig.KEY);
  }

  get model(): string {
    return this.get<SessionConfigFactory>(SessionConfigFactory).model;
  }

  /** The most this run can spend, at the project's prices. */
  spendBound(): SpendBound {
    const factory = this.get<SessionConfigFactory>(SessionConfigFactory);
    const realtime = this.get<ConfigType<typeof realtimeConfig>>(realtimeConfig.KEY);
    return spendBound(this.get(PriceBook), {
      session: factory.build(realtime.voice, ['en']),
      model: factory.model,
      transcriptionModel: factory.transcriptionModel,
      webSearchModel: this.openai.webSearchModel,
      sessionMaxOutputTokens: realtime.maxOutputTokens,
    });
  }

  async run(bound: SpendBound, timing?: Partial<CallProbeTiming>): Promise<ProbeReport> {
    const startedAt = new Date().toISOString();
    const meter = this.get<UsageMeter>(UsageMeter);
    const call = await new CallProbe({
      calls: this.get(RealtimeCallsClient),
      sideband: this.get(SidebandClient),
      configFactory: this.get(SessionConfigFactory),
      meter,
      prices: this.get(PriceBook),
      openai: this.openai,
      voice: this.get<ConfigType<typeof realtimeConfig>>(realtimeConfig.KEY).voice,
      timing,
    }).run();
    const search = await probeWebSearch(this.get(OpenAIResponsesClient), meter);
    const weather = await probeWeather([this.get<WeatherSource>(WEATHER_SOURCE)]);

    const spentUsd = call.responses.reduce((sum, response) => sum + (response.costUsd ?? 0), 0) + call.transcriptionUsd + search.spentUsd;
    const spend: Finding = {
      id: 'probe.spend',
      assumption: 'the probe spent no more than it announced',
      expected: `at most $${bound.totalUsd.toFixed(4)}`,
      observed: `$${spentUsd.toFixed(4)} metered`,
      verdict: 'info',
    };
    const findings = [...call.findings, ...search.findings, ...weather, spend];
    return {
      startedAt,
      baseUrl: this.openai.baseUrl,
      model: this.model,
      pricesAsOf: meter.pricesAsOf(),
      maxSpendUsd: bound.totalUsd,
      spentUsd,
      findings,
      events: call.events,
      responses: call.responses,
      hangups: call.hangups,
      exitCode: exitCodeFor(findings),
    };
  }

  close(): Promise<void> {
    return this.app.close();
  }
}
