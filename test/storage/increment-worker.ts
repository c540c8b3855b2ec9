// One of two processes racing on one Redis counter: waits for a shared start time, fires 250
// concurrent increments, and prints how many it admitted under the limit.
import { RedisStore } from '../../src/storage/redis.store';

async function main(): Promise<void> {
  const [url, key, startAt, limit] = process.argv.slice(2);
  const store = new RedisStore(url, { commandTimeoutMs: 2_000 });
  await store.waitUntilReady(5_000);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
  const results = await Promise.all(Array.from({ length: 250 }, () => store.increment(key, 60_000)));
  process.stdout.write(`\nRESULT ${JSON.stringify({ admitted: results.filter((r) => r.value <= Number(limit)).length })}\n`);
  await store.close();
}

void main();
