import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module';
import { APP_OPTIONS, configureApp, ConfigureAppOptions, createApp } from '../../src/configure-app';

export interface TestApp {
  app: NestExpressApplication;
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  close(): Promise<void>;
}

const QUIET = { LOG_LEVEL: 'warn' };

/** A provider replaced through Nest's testing module: the only way a test swaps an injected value. */
export interface ProviderOverride {
  provide: string | symbol;
  useValue: unknown;
}

/** The app as production creates it, or through a testing module when a test overrides providers. */
async function buildApp(overrides: ProviderOverride[]): Promise<NestExpressApplication> {
  if (overrides.length === 0) return createApp();
  let builder = Test.createTestingModule({ imports: [AppModule.forRoot()] });
  for (const override of overrides) builder = builder.overrideProvider(override.provide).useValue(override.useValue);
  const moduleRef = await builder.compile();
  return moduleRef.createNestApplication<NestExpressApplication>(APP_OPTIONS);
}

/**
 * The real AppModule with the production wiring (configureApp), listening on a free loopback
 * port. `env` is applied to process.env while the app is built (that is when configuration is
 * read) and restored afterwards. `overrides` replace providers through Nest's testing module;
 * `options` are configureApp's.
 */
export async function startTestApp(
  env: Record<string, string | undefined> = {},
  overrides: ProviderOverride[] = [],
  options: ConfigureAppOptions = {},
): Promise<TestApp> {
  const saved = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries({ ...QUIET, ...env })) {
    saved.set(key, process.env[key]);
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  let app: NestExpressApplication;
  try {
    app = configureApp(await buildApp(overrides), options);
    await app.listen(0, '127.0.0.1');
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    close: () => app.close(),
  };
}
