import type { IncomingMessage } from 'node:http';
import { Registry } from 'prom-client';
import { buildAuthSettings, type AuthSettings } from '../../src/auth/auth-settings';
import { createAuthMetrics } from '../../src/auth/auth.metrics';
import { RevocationList } from '../../src/auth/revocation-list.service';
import { SessionAuthenticatorService } from '../../src/auth/session-authenticator.service';
import { claimsAt, ecKeys, es256, hs256, rs256, rsaKeys, TEST_SECRET } from '../../test/support/kit';
import { TokenVerifier } from '../../src/auth/token-verifier.service';
import { SystemClock } from '../../src/common/clock';
import { EnforcementBus } from '../../src/common/enforcement-bus';
import type { JwtAlgorithm } from '../../src/config/auth-checks';
import { MemoryStore } from '../../src/storage/memory.store';
import { RedisStore } from '../../src/storage/redis.store';
import type { StateStore } from '../../src/storage/state-store';
import { RedisServer } from '../../test/support/redis-server';
import { BenchRow, micros, timeAsync } from '../measure';

const ITERATIONS = 5_000;

interface Instance {
  service: SessionAuthenticatorService;
  revocations: RevocationList;
  bus: EnforcementBus;
}

function instance(store: StateStore, algorithm: JwtAlgorithm): Instance {
  const clock = new SystemClock();
  const settings: AuthSettings = buildAuthSettings({
    required: true,
    algorithm,
    secret: TEST_SECRET,
    publicKey: algorithm === 'RS256' ? rsaKeys().publicPem : algorithm === 'ES256' ? ecKeys().publicPem : undefined,
    issuer: undefined,
    audience: undefined,
    maxTtlHours: 8,
    clockToleranceSec: 30,
    loginUrl: undefined,
    adminToken: undefined,
  });
  const revocations = new RevocationList(store, clock, settings);
  revocations.onModuleInit();
  const bus = new EnforcementBus();
  const service = new SessionAuthenticatorService(settings, new TokenVerifier(settings, clock), revocations, createAuthMetrics(new Registry()), clock, bus);
  service.onModuleInit();
  return { service, revocations, bus };
}

const upgrade = (token: string) => ({ headers: { cookie: `ducke_token=${token}` }, url: '/session' }) as unknown as IncomingMessage;

async function gateRow(name: string, service: SessionAuthenticatorService, token: string, targetUs: number): Promise<BenchRow> {
  const timing = await timeAsync(async () => {
    const decision = await service.authenticate(upgrade(token));
    if (!decision.admitted) throw new Error(`${name}: refused (${decision.message})`);
  }, ITERATIONS);
  return { name, value: `p50 ${micros(timing.p50)}, p99 ${micros(timing.p99)}`, target: `p99 < ${micros(targetUs)}`, pass: timing.p99 < targetUs };
}

/** The auth step of the /session gate (verify + awaited revocation read), and revocation fan-out across instances. */
export async function authSection(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const memory = new MemoryStore(new SystemClock());
  const now = Date.now();
  rows.push(await gateRow('auth gate HS256 (memory store)', instance(memory, 'HS256').service, hs256(claimsAt(now)), 1_000));
  rows.push(await gateRow('auth gate RS256 (memory store)', instance(memory, 'RS256').service, rs256(claimsAt(now)), 2_000));
  rows.push(await gateRow('auth gate ES256 (memory store)', instance(memory, 'ES256').service, es256(claimsAt(now)), 2_000));

  const redis = await RedisServer.start();
  const stores = [new RedisStore(redis.url, { commandTimeoutMs: 250 }), new RedisStore(redis.url, { commandTimeoutMs: 250 })];
  try {
    await Promise.all(stores.map((store) => store.waitUntilReady(2_000)));
    const [a, b] = stores.map((store) => instance(store, 'HS256'));
    rows.push(await gateRow('auth gate HS256 (Redis revocation read)', a.service, hs256(claimsAt(now)), 5_000));

    // Instance B runs 1 000 sessions, 100 of them on the jti instance A revokes.
    const ended: number[] = [];
    b.bus.subscribe(() => ended.push(Date.now()));
    for (let i = 0; i < 1_000; i++) b.service.track(`s${i}`, { sub: `u${i}`, jti: i < 100 ? 'shared' : `j${i}`, expiresAt: now + 3_600_000 });
    const revokedAt = Date.now();
    await a.revocations.revoke('shared');
    const deadline = Date.now() + 5_000;
    while (ended.length < 100 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    const fanOutMs = ended.length === 100 ? Math.max(...ended) - revokedAt : Number.POSITIVE_INFINITY;
    rows.push({
      name: 'revocation on A → 100 sessions ended on B (Redis)',
      value: `${fanOutMs} ms (${ended.length}/100 ended, 900 others untouched: ${b.service.trackedSessions === 900})`,
      target: '< 1000 ms, no other session ended',
      pass: fanOutMs < 1_000 && b.service.trackedSessions === 900,
    });
    for (const { service } of [a, b]) service.onApplicationShutdown();
  } finally {
    await Promise.all(stores.map((store) => store.close()));
    await redis.kill();
  }
  memory.stop();
  return rows;
}
