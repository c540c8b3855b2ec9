import Redis from 'ioredis';

// Reads the cost ledger's raw state in Redis, beside the app, to check what it promises: every
// reservation (hold) belongs to a conversation that is still running, none is negative, and
// nothing is left once every conversation has ended. Key names are the RedisStore's
// (`ducke:` prefix, a hold pool is `<pool>:amounts` + `<pool>:expiries`).

const HOLD_AMOUNTS = 'ducke:cost:holds:amounts';

export class RedisInspector {
  private readonly client: Redis;

  constructor(url: string) {
    this.client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: true, retryStrategy: () => 200 });
    this.client.on('error', () => undefined);
  }

  /** Hold id → micro-USD held, for the hourly cap's pool. */
  async holds(): Promise<Map<string, number>> {
    const flat = await this.client.hgetall(HOLD_AMOUNTS);
    return new Map(Object.entries(flat).map(([id, amount]) => [id, Number(amount)]));
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}
