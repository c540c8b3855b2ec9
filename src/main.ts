import './compile-cache';
import 'reflect-metadata';
import type { ConfigType } from '@nestjs/config';
import { Logger } from 'nestjs-pino';
import { appConfig } from './config/app.config';
import { checkEnvironmentAtBoot, ConfigValidationError } from './config/environment';
import { configureApp, createApp } from './configure-app';

async function bootstrap(): Promise<void> {
  checkEnvironmentAtBoot();
  const app = configureApp(await createApp(), { enableShutdownHooks: true });
  const config = app.get<ConfigType<typeof appConfig>>(appConfig.KEY);

  // Contract §8: whatever the shutdown hooks are waiting on, the process is gone within 10 s.
  process.once('SIGTERM', () => setTimeout(() => process.exit(1), config.shutdownDeadlineMs).unref());

  await app.listen(config.port, config.host);
  app.get(Logger).log(`DUCK-E ${config.version} listening on http://${config.host}:${config.port}`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) {
    process.stderr.write(`DUCK-E refused to start. ${error.message}\n`);
  } else {
    process.stderr.write(`DUCK-E failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
  }
  process.exit(1);
});
