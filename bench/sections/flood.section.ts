import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { get } from '../../test/rate-limit/http-get';
import { LoadClient } from '../../test/reliability/support/load-client';
import { startReliabilityStack } from '../../test/reliability/support/reliability-stack';
import { sleep } from '../../test/support/ports';
import { BenchRow, megabytes, percentiles } from '../measure';
import { BARE_SERVER, CONNECTIONS, hasWrk, pct, pinServer, reference, wrk } from './http.section';

// One address floods GET /status with wrk and is refused (429) by the early refusals; the bare
// Node server of the same run is the floor a refusal is held against. Meanwhile another address
// polls /status and a live conversation (fake OpenAI) sends voice.set control messages, and both
// are timed. Then memory: RSS idle (settled) before the flood, right after it, and a minute later.

const CA = join(__dirname, '..', '..', 'test', 'fakes', 'tls', 'ca.pem');
const FLOOD_SECONDS = 10;
const PROBE_EVERY_MS = 50;
const PROBE_TIMEOUT_MS = 5_000;
const SETTLE_MS = 30_000;
const AFTER_MS = 60_000;
const REFUSAL_SHARE_TARGET = 0.3;
const P99_TARGET_MS = 50;
const RSS_BACK_TARGET = 20 * 1024 * 1024;

const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

export async function floodSection(): Promise<BenchRow[]> {
  if (!hasWrk()) return [{ name: '429 flood against bare Node', value: 'skipped (wrk not installed)' }];
  setDefaultCACertificates([...getCACertificates('default'), readFileSync(CA, 'utf8')]);
  process.env.NODE_EXTRA_CA_CERTS = CA;
  // 600/minute: the flooder is over it within a fraction of a second; the other address's ~20
  // probes a second stay under it for the whole flood.
  // The control-message probes (~20 a second) must not meet the per-connection message limit (5/second).
  const stack = await startReliabilityStack({ env: { RATE_LIMIT_STATUS: '600/minute', RATE_LIMIT_SESSION_MESSAGES: '100/second', LOG_LEVEL: 'info' } });
  const pid = stack.app.child.pid!;
  pinServer(pid);
  let conversation: LoadClient | undefined;
  try {
    const bare = await reference(BARE_SERVER, { json: await (await fetch(`${stack.app.url}/status`)).text(), html: '' });
    let floor: number;
    try {
      await wrk(`${bare.url}/status`, 1);
      floor = (await wrk(`${bare.url}/status`, 5)).rps;
    } finally {
      bare.stop();
    }

    await sleep(SETTLE_MS); // V8's memory reducer shrinks the heap of an idle process after ~20 s
    const idleRss = rssOf(pid);
    // Opened now, so nothing of a long idle wait can have ended it before it is timed.
    conversation = await LoadClient.open(stack.app.url);
    await conversation.start();
    await conversation.probe();

    const flooding = wrk(`${stack.app.url}/status`, FLOOD_SECONDS);
    const other: number[] = [];
    const control: number[] = [];
    const otherStatuses = new Set<number>();
    const until = Date.now() + FLOOD_SECONDS * 1000 - 500;
    await sleep(500);
    let lostProbes = 0;
    while (Date.now() < until) {
      // A control message with no answer within the probe's timeout counts as that long, not as a failure of the section.
      const [reply, roundTrip] = await Promise.all([
        get(`${stack.app.url}/status`, { localAddress: '127.0.0.2' }),
        conversation.probe('marin', PROBE_TIMEOUT_MS).catch(() => (lostProbes++, PROBE_TIMEOUT_MS)),
      ]);
      other.push(reply.ms);
      otherStatuses.add(reply.status);
      control.push(roundTrip);
      await sleep(PROBE_EVERY_MS);
    }
    const refused = await flooding;
    const floodRss = rssOf(pid);
    await sleep(AFTER_MS);
    const afterRss = rssOf(pid);

    const share = refused.rps / floor;
    const otherP99 = percentiles(other).p99;
    const controlP99 = percentiles(control).p99;
    return [
      { name: 'bare Node http, same /status bytes: the floor (wrk, 5 s)', value: `${Math.round(floor)} req/s` },
      {
        name: `429 flood from one address (wrk ${CONNECTIONS} conn., ${FLOOD_SECONDS} s), share of the floor`,
        value: `${Math.round(refused.rps)} refusals/s = ${pct(share)} (${pct(refused.non2xx / Math.max(1, refused.requests))} were 429)`,
        target: `≥ ${pct(REFUSAL_SHARE_TARGET)}`,
        pass: share >= REFUSAL_SHARE_TARGET,
      },
      {
        name: "meanwhile, another address's /status p99 (new connection each)",
        value: `${otherP99.toFixed(1)} ms (${other.length} probes, ${[...otherStatuses].join('/')})`,
        target: `< ${P99_TARGET_MS} ms`,
        pass: otherP99 < P99_TARGET_MS && otherStatuses.size === 1 && otherStatuses.has(200),
      },
      { name: "meanwhile, a live conversation's control message (voice.set) p99", value: `${controlP99.toFixed(1)} ms (${control.length} probes${lostProbes ? `, ${lostProbes} unanswered in ${PROBE_TIMEOUT_MS / 1000} s` : ''})`, target: `< ${P99_TARGET_MS} ms`, pass: controlP99 < P99_TARGET_MS },
      { name: `RSS idle before the flood (settled ${SETTLE_MS / 1000} s)`, value: megabytes(idleRss) },
      { name: 'RSS right after the flood', value: megabytes(floodRss) },
      {
        name: `RSS ${AFTER_MS / 1000} s after the flood, over idle`,
        value: `${megabytes(afterRss)} (+${megabytes(Math.max(0, afterRss - idleRss))})`,
        target: `≤ idle + ${megabytes(RSS_BACK_TARGET)}`,
        pass: afterRss - idleRss <= RSS_BACK_TARGET,
      },
    ];
  } finally {
    conversation?.terminate();
    await stack.stop();
  }
}
