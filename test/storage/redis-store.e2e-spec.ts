import Redis from 'ioredis';
import { RedisStore } from '../../src/storage/redis.store';
import { sleep, waitFor } from '../support/ports';
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

describe('RedisStore events across a lost event connection', () => {
  let redis: RedisServer;
  let events: RedisStore;
  let admin: Redis;

  beforeAll(async () => {
    redis = await RedisServer.start();
    events = new RedisStore(redis.url, { commandTimeoutMs: 250 });
    await events.waitUntilReady(5_000);
    admin = new Redis(redis.url);
  });
  afterAll(async () => {
    admin?.disconnect();
    await events?.close();
    await redis?.stop();
  });

  it('after the event connection drops, onMissed runs once the re-subscription is confirmed, and what is published then arrives', async () => {
    const received: unknown[] = [];
    let missed = 0;
    let publishedOnMissed: Promise<void> | undefined;
    events.subscribe(
      'gap',
      (message) => received.push(message),
      () => {
        missed++;
        // The worst moment for a listener: the instant it is told to reconcile.
        publishedOnMissed ??= events.publish('gap', { after: 'reconnect' });
      },
    );
    expect(await events.subscriptionsReady(5_000)).toBe(true);
    const missedBefore = missed;

    // Cut the subscriber's connection; while ioredis reconnects, this message has no listener.
    expect(await admin.client('KILL', 'TYPE', 'pubsub')).toBeGreaterThanOrEqual(1);
    await admin.publish('ducke:events:gap', JSON.stringify({ during: 'gap' }));

    await waitFor(() => missed > missedBefore, 10_000);
    await publishedOnMissed;
    await waitFor(() => received.some((message) => (message as { after?: string }).after === 'reconnect'), 5_000);
    // The message sent into the gap is lost, which is why onMissed exists: the listener reads the store.
    expect(received).not.toContainEqual({ during: 'gap' });
  });
});
