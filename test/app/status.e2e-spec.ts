import { RedisServer } from '../support/redis-server';
import { startTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/ports';

interface StatusBody {
  status: 'ok' | 'degraded';
  version: string;
  reasons?: string[];
  storage: { backend: string; ok: boolean };
}

const statusOf = async (url: string) => (await (await fetch(`${url}/status`)).json()) as StatusBody;

describe('GET /status', () => {
  describe('in memory mode', () => {
    let app: TestApp;
    beforeAll(async () => (app = await startTestApp({ REDIS_URL: undefined })));
    afterAll(() => app.close());

    it('answers 200 ok with the version and the storage in use', async () => {
      const response = await fetch(`${app.url}/status`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const body = (await response.json()) as StatusBody;
      expect(body).toMatchObject({ status: 'ok', version: expect.stringMatching(/^\d+\.\d+\.\d+/), storage: { backend: 'memory', ok: true } });
    });
  });

  describe('with REDIS_URL', () => {
    let redis: RedisServer;
    let app: TestApp;
    beforeAll(async () => {
      redis = await RedisServer.start();
      app = await startTestApp({ REDIS_URL: redis.url });
    });
    afterAll(async () => {
      await app.close();
      await redis.stop();
    });

    it('is ok while Redis answers', async () => {
      expect(await statusOf(app.url)).toMatchObject({ status: 'ok', storage: { backend: 'redis', ok: true } });
    });

    it('turns degraded, still 200 and with the reason, when Redis stops — and recovers', async () => {
      await redis.kill();
      const degraded = await waitFor(async () => {
        const response = await fetch(`${app.url}/status`);
        const body = (await response.json()) as StatusBody;
        return body.status === 'degraded' ? { code: response.status, body } : undefined;
      });
      expect(degraded.code).toBe(200);
      expect(degraded.body.storage).toMatchObject({ backend: 'redis', ok: false });
      expect(degraded.body.reasons?.join(' ')).toMatch(/storage/);
      expect(JSON.stringify(degraded.body)).not.toContain(String(redis.port) + '@');

      await redis.launch();
      const recovered = await waitFor(async () => {
        const body = await statusOf(app.url);
        return body.status === 'ok' ? body : undefined;
      }, 10_000);
      expect(recovered.storage).toEqual({ backend: 'redis', ok: true });
    });

    it('is degraded while Redis is frozen, without the request hanging', async () => {
      redis.freeze();
      try {
        const body = await waitFor(async () => {
          const started = Date.now();
          const result = await statusOf(app.url);
          expect(Date.now() - started).toBeLessThan(2_500); // a hung request would take the test's whole timeout
          return result.status === 'degraded' ? result : undefined;
        });
        expect(body.storage.ok).toBe(false);
      } finally {
        redis.resume();
      }
    });
  });
});
