import type { NestExpressApplication } from '@nestjs/platform-express';
import { configureApp, ConfigureAppOptions, createApp } from '../../src/configure-app';

export interface TestApp {
  app: NestExpressApplication;
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  close(): Promise<void>;
}

const QUIET = { LOG_LEVEL: 'warn' };

/**
 * The real AppModule with the production wiring (configureApp), listening on a free loopback
 * port. `env` is applied to process.env while the app is built (that is when configuration is
 * read) and restored afterwards.
 */
export async function startTestApp(env: Record<string, string | undefined> = {}, options: ConfigureAppOptions = {}): Promise<TestApp> {
  const saved = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries({ ...QUIET, ...env })) {
    saved.set(key, process.env[key]);
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  let app: NestExpressApplication;
  try {
    app = configureApp(await createApp(), options);
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
