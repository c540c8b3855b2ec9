import type { SoakReport } from './scenarios/soak.scenario';

// The soak's targets (issue 9), shared by the short CI soak and `npm run soak`: each is one test,
// so a run names exactly which promise broke.

export const SOAK_TARGETS = {
  latencyP99Ms: 50,
  rssGrowthBytes: 50 * 1024 * 1024,
  othersP99UnderAbuseMs: 200,
  pausedClosedWithinMs: 10_000,
};

export type SoakBounds = typeof SOAK_TARGETS;

/**
 * The bounds `npm test` holds the short soak to: the same behaviour, with the timing bounds widened
 * so that they only tell "served" from "starved" on a busy shared machine. The targets themselves
 * are measured and asserted by `npm run soak`.
 */
export const SOAK_CI_BOUNDS: SoakBounds = {
  latencyP99Ms: 1_000,
  rssGrowthBytes: SOAK_TARGETS.rssGrowthBytes,
  othersP99UnderAbuseMs: 2_000,
  pausedClosedWithinMs: 20_000,
};

export function assertSoak(report: () => SoakReport, expected: { sessions: number; bounds?: SoakBounds }): void {
  const bounds = expected.bounds ?? SOAK_TARGETS;
  it('opens every conversation and holds them with zero unexpected closes', () => {
    const r = report();
    expect(r.openFailures).toEqual([]);
    expect(r.opened).toBe(expected.sessions);
    expect(r.unexpected).toEqual([]);
    expect(r.traffic.costUpdates).toBeGreaterThan(expected.sessions);
    expect(r.traffic.toolResults).toBeGreaterThan(0);
  });

  it(`answers control messages with p99 < ${bounds.latencyP99Ms} ms under load`, () => {
    const { latency } = report();
    expect(latency.count).toBeGreaterThan(expected.sessions);
    expect(latency.p99).toBeLessThan(bounds.latencyP99Ms);
  });

  it('grows its RSS by less than 50 MB from the start of the hold to its end', () => {
    const { rss } = report();
    expect(rss.holdEnd - rss.holdStart).toBeLessThan(bounds.rssGrowthBytes);
  });

  it('ends every conversation cleanly and hangs every call up', () => {
    const r = report();
    expect(r.ends.failures).toEqual([]);
    expect(r.ends.reasons).toEqual({ client: expected.sessions });
    expect(r.ends.codes).toEqual({ 1000: expected.sessions });
    expect(r.calls).toEqual({ created: expected.sessions, hungUp: expected.sessions, notHungUp: 0 });
  });

  it('leaves nothing behind: registry, sockets, reservations, timers and file descriptors back to baseline', () => {
    const r = report();
    expect(r.leftovers).toEqual({ active: 0, starting: 0, ending: 0, wsOpen: 0, sessionsActive: 0, reservedUsd: 0 });
    expect(r.timeouts.afterClose).toBeLessThanOrEqual(r.timeouts.baseline);
    expect(r.fds.afterClose).toBeLessThanOrEqual(r.fds.baseline);
  });

  it('closes a browser that stops reading (bounded buffer, call hung up) without the others noticing', () => {
    const { paused } = report();
    if (!paused) throw new Error('the paused-reader check did not run');
    expect(paused.hungUp).toBe(true);
    expect(paused.closedAfterMs).toBeLessThan(bounds.pausedClosedWithinMs);
    // What was in flight is bounded by the server's 256 KiB limit plus the kernel's buffers.
    expect(paused.bytesDelivered).toBeLessThan(paused.bytesProduced);
    expect(paused.rssGrowthBytes).toBeLessThan(20 * 1024 * 1024);
    expect(paused.othersP99Ms).toBeLessThan(bounds.othersP99UnderAbuseMs);
  });

  it(`throttles and closes a client flooding 1,000 messages in a second; the others stay under ${bounds.othersP99UnderAbuseMs} ms`, () => {
    const { flood } = report();
    if (!flood) throw new Error('the flooding-client check did not run');
    expect(flood.outcome).toBe('closed');
    expect(flood.closeCode).toBe(1008);
    expect(flood.rateLimitedNotices).toBeGreaterThanOrEqual(1);
    expect(flood.reachedUpstream).toBeLessThanOrEqual(25);
    expect(flood.hungUp).toBe(true);
    expect(flood.othersP99Ms).toBeLessThan(bounds.othersP99UnderAbuseMs);
  });
}
