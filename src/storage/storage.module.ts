import { Global, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Clock } from '../common/clock';
import { storageConfig } from '../config/storage.config';
import { InjectLocalStore, InjectStore, LOCAL_STORE, STATE_STORE } from './inject-store.decorator';
import { MemoryStore } from './memory.store';
import { RedisStore, redisHostOf } from './redis.store';
import type { StateStore } from './state-store';

/** How long boot waits for a configured Redis before starting degraded. */
const REDIS_BOOT_WAIT_MS = 1_000;

/** Chooses the backend from validated config at boot: Maps by default, Redis with REDIS_URL. */
export async function createStateStore(config: ConfigType<typeof storageConfig>, clock: Clock): Promise<StateStore> {
  const logger = new Logger('Storage');
  if (!config.redisUrl) {
    logger.log('Initializing in-memory rate limiting (counters reset on restart)');
    logger.log('Initializing in-memory cost tracking (spend and breaker reset on restart)');
    const store = new MemoryStore(clock);
    store.startSweeping();
    return store;
  }
  const host = redisHostOf(config.redisUrl);
  logger.log(`Initializing Redis rate limiting (${host})`);
  logger.log(`Initializing Redis cost tracking (${host}), shared by every instance`);
  const store = new RedisStore(config.redisUrl, { commandTimeoutMs: config.commandTimeoutMs });
  if (!(await store.waitUntilReady(REDIS_BOOT_WAIT_MS))) {
    logger.warn(`Redis at ${host} is not reachable yet; serving degraded until it is`);
  }
  return store;
}

/** A store of this instance's own, beside a shared one; none when the shared store is memory already. */
export function createLocalStore(store: StateStore, clock: Clock): MemoryStore | null {
  if (store.backend === 'memory') return null;
  const local = new MemoryStore(clock);
  local.startSweeping();
  return local;
}

/**
 * Before the server listens: waits (boundedly) until the event subscriptions other modules made in
 * onModuleInit are confirmed, so an event published the moment this instance serves reaches it.
 * After the servers have stopped: closes the Redis connections (or stops the sweepers).
 */
@Injectable()
class StoreLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Storage');

  constructor(
    @InjectStore() private readonly store: StateStore,
    @InjectLocalStore() private readonly local: MemoryStore | null,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!(await this.store.subscriptionsReady(REDIS_BOOT_WAIT_MS))) {
      this.logger.warn('Cross-instance events are not subscribed yet; until they are, revocations and breaker openings from other instances arrive by the periodic re-check');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.store instanceof RedisStore) await this.store.close();
    for (const store of [this.store, this.local]) if (store instanceof MemoryStore) store.stop();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: STATE_STORE,
      inject: [storageConfig.KEY, Clock],
      useFactory: createStateStore,
    },
    { provide: LOCAL_STORE, inject: [STATE_STORE, Clock], useFactory: createLocalStore },
    StoreLifecycle,
  ],
  exports: [STATE_STORE, LOCAL_STORE],
})
export class StorageModule {}

