import type { Percentiles } from '../../../bench/measure';
import { sleep, waitFor } from '../../support/ports';
import { ConversationLoad, LoadProfile, SOAK_PROFILE } from '../support/conversation-load';
import type { ReliabilityStack } from '../support/reliability-stack';
import { sumOf } from '../support/server-probe';
import { floodingClient, FloodReport, pausedReader, PausedReport } from './abusive-clients.scenario';

// The soak: N conversations held for a while under the soak profile, then ended, and then the
// question every long-running service must answer — is everything back where it started?
// Figures (issue 9): zero unexpected closes, p99 control-message latency, RSS growth start→end,
// file descriptors back to baseline, nothing left in the session registry, the cost ledger or
// the timers. Optionally a paused reader and a flooding client join halfway through.

export interface SoakOptions {
  sessions: number;
  holdMs: number;
  profile?: LoadProfile;
  /** Run the paused-reader and flooding-client checks during the hold. */
  abusers?: boolean;
  /** Called with a one-line progress note (the long soak prints them). */
  progress?: (note: string) => void;
}

export interface SoakReport {
  sessions: number;
  opened: number;
  openFailures: string[];
  holdSec: number;
  latency: Percentiles & { count: number };
  /** Worst server event-loop lag p99 seen during the hold (prom-client's monitor), ms. */
  serverLagP99Ms: number;
  rss: { baseline: number; holdStart: number; holdEnd: number; peak: number; afterClose: number };
  fds: { baseline: number; peak: number; afterClose: number };
  timeouts: { baseline: number; afterClose: number };
  unexpected: string[];
  ends: { reasons: Record<string, number>; codes: Record<string, number>; failures: string[] };
  calls: { created: number; hungUp: number; notHungUp: number };
  traffic: { costUpdates: number; toolResults: number; toolCallsSent: number; continuations: number };
  leftovers: { active: number; starting: number; ending: number; wsOpen: number; sessionsActive: number; reservedUsd: number };
  paused?: PausedReport;
  flood?: FloodReport;
}

const SAMPLE_EVERY_MS = 5_000;

export async function runSoak(stack: ReliabilityStack, options: SoakOptions): Promise<SoakReport> {
  const { probe } = stack;
  const note = options.progress ?? (() => undefined);
  const fdBaseline = probe.fdCount();

  // Warm the paths once (JIT, the first TLS handshakes, pools), end it, settle.
  const warm = new ConversationLoad(stack.app.url, stack.realtime, options.profile ?? SOAK_PROFILE);
  await warm.open(10, 10);
  warm.drive();
  await sleep(1_000);
  await warm.stopAll();
  await sleep(1_000);
  const timeoutBaseline = await probe.metric('nodejs_active_resources', { type: 'Timeout' });
  const rssBaseline = probe.rssBytes();

  const load = new ConversationLoad(stack.app.url, stack.realtime, options.profile ?? SOAK_PROFILE);
  load.drive();
  const opened = await load.open(options.sessions);
  note(`${opened} of ${options.sessions} conversations open (${load.openFailures.length} failed)`);
  await sleep(3_000);

  const holdStart = performance.now();
  const rss = { baseline: rssBaseline, holdStart: probe.rssBytes(), holdEnd: 0, peak: 0, afterClose: 0 };
  let fdPeak = probe.fdCount();
  let lagP99 = 0;
  const sample = async () => {
    const [metrics, rssNow, fdsNow] = [await probe.metrics(), probe.rssBytes(), probe.fdCount()];
    rss.peak = Math.max(rss.peak, rssNow);
    fdPeak = Math.max(fdPeak, fdsNow);
    lagP99 = Math.max(lagP99, sumOf(metrics, 'nodejs_eventloop_lag_p99_seconds') * 1_000);
    const { p99 } = load.latency(performance.now() - SAMPLE_EVERY_MS);
    note(`t=${Math.round((performance.now() - holdStart) / 1_000)} s: RSS ${mb(rssNow)}, ${fdsNow} fds, p99 ${p99.toFixed(1)} ms, server lag p99 ${(sumOf(metrics, 'nodejs_eventloop_lag_p99_seconds') * 1_000).toFixed(1)} ms`);
  };

  let paused: PausedReport | undefined;
  let flood: FloodReport | undefined;
  const abusers = options.abusers
    ? (async () => {
        await sleep(options.holdMs / 3);
        paused = await pausedReader(stack, load);
        note(`paused reader: closed after ${paused.closedAfterMs} ms, others p99 ${paused.othersP99Ms.toFixed(1)} ms`);
        await sleep(options.holdMs / 6);
        flood = await floodingClient(stack, load);
        note(`flooding client: ${flood.outcome} after ${flood.sent} messages, others p99 ${flood.othersP99Ms.toFixed(1)} ms`);
      })()
    : Promise.resolve();

  while (performance.now() - holdStart < options.holdMs) {
    await sleep(Math.min(SAMPLE_EVERY_MS, options.holdMs - (performance.now() - holdStart)));
    await sample();
  }
  await abusers;
  rss.holdEnd = probe.rssBytes();
  const latency = load.latency(holdStart);
  const unexpected = load.unexpected();
  const traffic = {
    costUpdates: load.received('cost.updated'),
    toolResults: load.received('tool.result'),
    toolCallsSent: load.toolCallsSent,
    continuations: 0,
  };

  const ends = await load.stopAll();
  const calls = load.conversations.map(({ call }) => call);
  traffic.continuations = calls.reduce((sum, call) => sum + call.clientEvents('response.create').length, 0);
  const hungUp = calls.filter((call) => call.hangups.length > 0 && call.endedBy === 'hangup').length;

  // Nothing of any conversation may be left: registry, connections, reservations, timers, fds.
  const settled = await waitFor(
    async () => {
      const status = await probe.status();
      const metrics = await probe.metrics();
      const leftovers = {
        ...status.conversations,
        wsOpen: sumOf(metrics, 'ducke_ws_connections_open'),
        sessionsActive: sumOf(metrics, 'ducke_sessions_active'),
        reservedUsd: status.sessions.reservedUsd ?? -1,
      };
      const timeouts = sumOf(metrics, 'nodejs_active_resources', { type: 'Timeout' });
      const fds = probe.fdCount();
      const clean = leftovers.active + leftovers.starting + leftovers.ending + leftovers.wsOpen + leftovers.sessionsActive === 0 && leftovers.reservedUsd === 0;
      return clean && fds <= fdBaseline && timeouts <= timeoutBaseline ? { leftovers, timeouts, fds } : undefined;
    },
    30_000,
    500,
  ).catch(async () => {
    const status = await probe.status();
    const metrics = await probe.metrics();
    return {
      leftovers: { ...status.conversations, wsOpen: sumOf(metrics, 'ducke_ws_connections_open'), sessionsActive: sumOf(metrics, 'ducke_sessions_active'), reservedUsd: status.sessions.reservedUsd ?? -1 },
      timeouts: sumOf(metrics, 'nodejs_active_resources', { type: 'Timeout' }),
      fds: probe.fdCount(),
    };
  });
  rss.afterClose = probe.rssBytes();

  return {
    sessions: options.sessions,
    opened,
    openFailures: load.openFailures.slice(0, 5),
    holdSec: Math.round(options.holdMs / 1_000),
    latency,
    serverLagP99Ms: lagP99,
    rss,
    fds: { baseline: fdBaseline, peak: fdPeak, afterClose: settled.fds },
    timeouts: { baseline: timeoutBaseline, afterClose: settled.timeouts },
    unexpected: unexpected.slice(0, 20),
    ends,
    calls: { created: calls.length, hungUp, notHungUp: calls.length - hungUp },
    traffic,
    leftovers: {
      active: settled.leftovers.active,
      starting: settled.leftovers.starting,
      ending: settled.leftovers.ending,
      wsOpen: settled.leftovers.wsOpen,
      sessionsActive: settled.leftovers.sessionsActive,
      reservedUsd: settled.leftovers.reservedUsd,
    },
    paused,
    flood,
  };
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The soak's figures as printable lines. */
export function describeSoak(report: SoakReport): string[] {
  return [
    `conversations: ${report.opened}/${report.sessions} opened, held ${report.holdSec} s`,
    `control-message round trip: p50 ${report.latency.p50.toFixed(1)} ms, p99 ${report.latency.p99.toFixed(1)} ms, max ${report.latency.max.toFixed(1)} ms (${report.latency.count} probes)`,
    `server event-loop lag p99 (worst sample): ${report.serverLagP99Ms.toFixed(1)} ms`,
    `RSS: baseline ${mb(report.rss.baseline)}, hold start ${mb(report.rss.holdStart)}, hold end ${mb(report.rss.holdEnd)} (growth ${mb(report.rss.holdEnd - report.rss.holdStart)}), peak ${mb(report.rss.peak)}, after close ${mb(report.rss.afterClose)}`,
    `file descriptors: baseline ${report.fds.baseline}, peak ${report.fds.peak}, after close ${report.fds.afterClose}`,
    `ref'd timers: baseline ${report.timeouts.baseline}, after close ${report.timeouts.afterClose}`,
    `traffic: ${report.traffic.costUpdates} cost.updated, ${report.traffic.toolResults} tool.result (${report.traffic.toolCallsSent} tool calls), ${report.traffic.continuations} response.create after tool outputs`,
    `ends: ${JSON.stringify(report.ends.reasons)} codes ${JSON.stringify(report.ends.codes)}; calls hung up ${report.calls.hungUp}/${report.calls.created}`,
    `unexpected: ${report.unexpected.length ? report.unexpected.join('; ') : 'none'}`,
    `left after close: ${JSON.stringify(report.leftovers)}`,
    ...(report.paused
      ? [
          `paused reader: closed after ${report.paused.closedAfterMs} ms (code ${report.paused.closeCode}), hung up ${report.paused.hungUp}, ` +
            `${(report.paused.bytesProduced / 1024).toFixed(0)} KiB produced, ${(report.paused.bytesDelivered / 1024).toFixed(0)} KiB delivered, ` +
            `server RSS +${mb(report.paused.rssGrowthBytes)}, others p99 ${report.paused.othersP99Ms.toFixed(1)} ms`,
        ]
      : []),
    ...(report.flood
      ? [
          `flooding client: ${report.flood.sent} sent, ${report.flood.outcome} (code ${report.flood.closeCode}), ${report.flood.rateLimitedNotices} rate_limited notices, ` +
            `${report.flood.reachedUpstream} reached OpenAI, hung up ${report.flood.hungUp}, others p99 ${report.flood.othersP99Ms.toFixed(1)} ms`,
        ]
      : []),
  ];
}
