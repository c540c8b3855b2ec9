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

  it('a subscription made the moment the store is ready is confirmed and kept: the event connection does not reconnect under it', async () => {
    const pubsubIds = async () => String(await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub')).match(/\bid=\d+/g) ?? [];
    // The moment that matters: ioredis writes SUBSCRIBE while its own handshake is still running.
    for (let round = 0; round < 10; round++) {
      const store = new RedisStore(redis.url, { commandTimeoutMs: 250 });
      try {
        await store.waitUntilReady(5_000);
        const received: unknown[] = [];
        store.subscribe(`fresh-${round}`, (message) => received.push(message));
        expect(await store.subscriptionsReady(5_000)).toBe(true);
        const [id] = await pubsubIds();
        await sleep(300);
        expect(await pubsubIds()).toEqual([id]);
        await store.publish(`fresh-${round}`, { round });
        await waitFor(() => received.length === 1, 2_000);
      } finally {
        await store.close();
      }
      await waitFor(async () => (await pubsubIds()).length === 0, 2_000);
    }
  });

  it('after the event connection drops, onMissed runs once the re-subscription is confirmed, and what is published then arrives', async () => {
    const received: unknown[] = [];
    let killed = false;
    let missedAfterKill = 0;
    const publishedOnMissed: Promise<void>[] = [];
    events.subscribe(
      'gap',
      (message) => received.push(message),
      () => {
        // On a busy machine the first connection's own confirmation can come late, even after the
        // kill below: only calls once the kill is done count, and each publishes again.
        if (!killed) return;
        missedAfterKill++;
        // The worst moment for a listener: the instant it is told to reconcile.
        publishedOnMissed.push(events.publish('gap', { after: 'reconnect' }));
      },
    );
    expect(await events.subscriptionsReady(5_000)).toBe(true);

    // Cut the subscriber's connection; while ioredis reconnects, this message has no listener.
    expect(await admin.client('KILL', 'TYPE', 'pubsub')).toBeGreaterThanOrEqual(1);
    killed = true;
    await admin.publish('ducke:events:gap', JSON.stringify({ during: 'gap' }));

    await waitFor(() => missedAfterKill > 0, 10_000);
    // Published after the old connection was gone: only the re-subscribed one can deliver it.
    await waitFor(() => received.some((message) => (message as { after?: string }).after === 'reconnect'), 5_000);
    await Promise.all(publishedOnMissed);
    // The message sent into the gap is lost, which is why onMissed exists: the listener reads the store.
    expect(received).not.toContainEqual({ during: 'gap' });
  });
});
