// Reads a revocation entry's TTL straight from Redis, to check how long the list keeps it.
import Redis from 'ioredis';
import { revokedKey } from '../../src/auth/revocation-list.service';

/** Seconds to live of the entry for `jti` (-3 when there is no single such key). */
export async function ttlOfRevoked(url: string, jti: string): Promise<number> {
  const client = new Redis(url, { lazyConnect: true });
  try {
    await client.connect();
    const keys = await client.keys(`*${revokedKey(jti)}`);
    return keys.length === 1 ? await client.ttl(keys[0]) : -3;
  } finally {
    client.disconnect();
  }
}
