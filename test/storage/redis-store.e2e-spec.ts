import { RedisStore } from '../../src/storage/redis.store';
import { sleep } from '../support/ports';
import { RedisServer } from '../support/redis-server';
import { stateStoreContract } from './state-store.contract';

let server: RedisServer;
let store: RedisStore;

stateStoreContract(
  'RedisStore',
  async () => {
    server = await RedisServer.start();
    store = new RedisStore(server.url, { commandTimeoutMs: 250 });
    await store.waitUntilReady(5_000);
    return { store, advance: sleep };
  },
  async () => {
    await store.close();
    await server.stop();
  },
);
