import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConversationLoad, SOAK_PROFILE } from '../../test/reliability/support/conversation-load';
import { LOAD_ENV } from '../../test/reliability/support/reliability-stack';
import { HaproxyBalancer } from '../../test/scale/support/haproxy-balancer';
import { InstancePool } from '../../test/scale/support/instance-pool';
import { sleep, waitFor } from '../../test/support/ports';
import { RedisServer } from '../../test/support/redis-server';
import { BenchRow, megabytes } from '../measure';

// Conversations per instance with the balancer in front: three built instances on one
// redis-server behind HAProxy running deploy/haproxy/haproxy.cfg (the scale suite's set-up),
// every conversation a distinct visitor address running the soak profile. At each step: how the
// balancer spread them, the control-message round trip through the balancer, and each
// instance's RSS. Everything — three instances, Redis, HAProxy, the fakes and the browsers —
// shares this machine's cores, so the per-instance figure is a floor for a real deployment.
// HAProxy is started with maxconn 4000 (the tests' balancer), which bounds the last step.

const INSTANCES = 3;
const STEPS = [300, 900, 1_800, 3_000, 3_600];
const HOLD_MS = 10_000;
const TARGET_P99_MS = 100;
const CA = join(__dirname, '..', '..', 'test', 'fakes', 'tls', 'ca.pem');

interface Step {
  total: number;
  spread: number[];
  p99Ms: number;
  rss: number[];
  problems: number;
}

export async function balancerSection(): Promise<BenchRow[]> {
  setDefaultCACertificates([...getCACertificates('default'), readFileSync(CA, 'utf8')]);
  process.env.NODE_EXTRA_CA_CERTS = CA;
  const redis = await RedisServer.start();
  let pool: InstancePool | undefined;
  let balancer: HaproxyBalancer | undefined;
  let load: ConversationLoad | undefined;
  try {
    pool = await InstancePool.start(INSTANCES, { ...LOAD_ENV, REDIS_URL: redis.url, TRUST_PROXY: '127.0.0.1' });
    for (const instance of pool.instances) await waitFor(async () => (await instance.probe.status()).rateLimit?.counting === 'redis', 20_000, 100);
    balancer = await HaproxyBalancer.start(pool.instances.map(({ name, port }) => ({ name, port })));
    let visitors = 0;
    const visitor = () => ({ localAddress: `127.0.${10 + Math.floor(visitors / 250)}.${1 + (visitors++ % 250)}` });
    load = new ConversationLoad(balancer.url, pool, SOAK_PROFILE, visitor);
    load.drive();
    const steps: Step[] = [];
    for (const total of STEPS) {
      await load.open(total - load.size, 100);
      await sleep(2_000);
      const since = performance.now();
      await sleep(HOLD_MS);
      const conversations = await Promise.all(pool.instances.map(async (instance) => (await instance.probe.status()).conversations.active));
      const step = { total, spread: conversations, p99Ms: load.latency(since).p99, rss: pool.instances.map((instance) => instance.probe.rssBytes()), problems: load.openFailures.length + load.unexpected().length };
      steps.push(step);
      process.stderr.write(`  balancer: ${total} conversations, ${step.spread.join(' / ')} per instance, p99 ${step.p99Ms.toFixed(1)} ms, RSS ${step.rss.map(megabytes).join(' / ')}, ${step.problems} problems\n`);
      if (step.problems || !(step.p99Ms < TARGET_P99_MS)) break;
    }
    const held = steps.filter((step) => !step.problems && step.p99Ms < TARGET_P99_MS).at(-1);
    const last = steps.at(-1)!;
    return [
      {
        name: `conversations per instance, 3 behind HAProxy, control-message p99 < ${TARGET_P99_MS} ms (soak profile)`,
        value: held ? `${Math.min(...held.spread)}–${Math.max(...held.spread)} (${held.total} in all, p99 ${held.p99Ms.toFixed(1)} ms)` : '0',
        target: '≥ 100',
        pass: !!held && Math.min(...held.spread) >= 100,
        key: 'balancer.perInstance',
        raw: held ? Math.min(...held.spread) : 0,
      },
      {
        name: 'spread by the balancer (leastconn) at the last step held; RSS per instance',
        value: held ? `${held.spread.join(' / ')}; ${held.rss.map(megabytes).join(' / ')}` : `${last.spread.join(' / ')}; ${last.problems} problems`,
      },
    ];
  } finally {
    if (load) await load.stopAll(200).catch(() => load?.terminateAll());
    await balancer?.stop();
    await pool?.stop();
    await redis.stop();
  }
}
