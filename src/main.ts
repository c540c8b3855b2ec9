import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { ConfigType } from '@nestjs/config';
import { appConfig } from './config/app.config';
import { checkEnvironmentAtBoot, ConfigValidationError } from './config/environment';
import { unknownVariablesAtBoot } from './config/unknown-variables';
import { configureApp, createApp } from './configure-app';
import { QuietFrameworkLogger } from './logging/quiet-framework.logger';
import { reportShutdown } from './logging/shutdown-report';
import { startupFacts, startupSummary, startupWarnings } from './logging/startup-summary';
import { SessionsService } from './realtime/session/sessions.service';

async function bootstrap(): Promise<void> {
  checkEnvironmentAtBoot();
  const app = configureApp(await createApp(), { enableShutdownHooks: true });
  const config = app.get<ConfigType<typeof appConfig>>(appConfig.KEY);
  const logger = app.get(QuietFrameworkLogger);
  for (const warning of unknownVariablesAtBoot()) logger.warn(warning, 'Configuration');

  // README, "Stopping": whatever the shutdown hooks are waiting on, the process is gone within 10 s.
  process.once('SIGTERM', () => setTimeout(() => process.exit(1), config.shutdownDeadlineMs).unref());
  const sessions = app.get(SessionsService);
  reportShutdown(
    () => {
      const { active, starting } = sessions.counts();
      return active + starting;
    },
    (line) => logger.log(line, 'Shutdown'),
  );

  await app.listen(config.port, config.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const everywhere = config.host === '0.0.0.0' || config.host === '::';
  const facts = startupFacts(app, everywhere ? `http://localhost:${port} (all interfaces)` : `http://${config.host}:${port}`);
  for (const warning of startupWarnings(facts)) logger.warn(warning, 'Configuration');
  logger.log(startupSummary(facts).join('\n'), 'Summary');
}

/** The start-up failure a newcomer meets first: something else already listens on the port. */
function portInUse(error: unknown): string | undefined {
  const failure = error as NodeJS.ErrnoException & { address?: string; port?: number };
  if (failure?.code !== 'EADDRINUSE') return undefined;
  return `port ${failure.port} on ${failure.address} is already in use by another process. Stop it, or set PORT to a free port (e.g. PORT=8001).`;
}

bootstrap().catch((error: unknown) => {
  const inUse = portInUse(error);
  if (error instanceof ConfigValidationError) {
    process.stderr.write(`DUCK-E refused to start. ${error.message}\n`);
  } else if (inUse) {
    process.stderr.write(`DUCK-E cannot start: ${inUse}\n`);
  } else {
    process.stderr.write(`DUCK-E failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
  }
  process.exit(1);
});
