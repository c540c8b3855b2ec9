import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CONNECT_LIMITER, ConnectLimiter } from '../../src/common/session-ports';
import { STATE_STORE } from '../../src/storage/inject-store.decorator';
import { MemoryStore } from '../../src/storage/memory.store';
import { waitFor } from '../support/ports';
import { startTestApp, TestApp } from '../support/test-app';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

describe('In-memory limiter under 100,000 distinct clients', () => {
  let app: TestApp;
  beforeAll(async () => (app = await startTestApp({ REDIS_URL: undefined, RATE_LIMIT_WEBSOCKET: '5/second' })));
  afterAll(() => app.close());

  it('holds one small entry per client while its window lasts, and the store’s sweeper frees them all after it', async () => {
    const connects = app.app.get<ConnectLimiter>(CONNECT_LIMITER);
    const store = app.app.get<MemoryStore>(STATE_STORE);
    const baselineKeys = store.size;
    const baselineHeap = heapMb();

    for (let i = 0; i < 100_000; i++) {
      const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      expect((await connects.admitConnection({ ip, clientKey: ip })).admitted).toBe(true);
    }
    const keys = store.size - baselineKeys;
    const grownMb = heapMb() - baselineHeap;
    console.log(`100,000 clients: ${keys} keys, heap +${grownMb.toFixed(1)} MB`);
    expect(keys).toBeGreaterThan(90_000); // the first ones may already have been swept
    expect(keys).toBeLessThanOrEqual(100_000);
    expect(grownMb).toBeLessThan(40);

    // Windows of 1 s; the sweeper (once a second, 20,000 entries per tick) clears them with no traffic.
    await waitFor(() => store.size <= baselineKeys, 12_000, 200);
    const leftMb = heapMb() - baselineHeap;
    console.log(`after the sweep: ${store.size - baselineKeys} keys, heap +${leftMb.toFixed(1)} MB`);
    expect(leftMb).toBeLessThan(5);
  });
});
