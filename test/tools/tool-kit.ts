// Test doubles for the tools' OUTSIDE ports (limiter, session context, metrics registry), shared
// by the unit specs beside the code, the property tests and the benchmark. Our own modules are
// never faked: specs construct the real registry, services and sources with these.
import { Counter, Histogram, Registry } from 'prom-client';
import type { BackendUsage, ClientIdentity, LimitedTool, ToolCallContext, ToolLimitDecision, ToolLimiter } from '../../src/common/session-ports';
import { TOOL_CALLS_TOTAL, TOOL_DURATION_SECONDS, UPSTREAM_ERRORS_TOTAL } from '../../src/tools/tool-metrics';

/** A ToolLimiter stand-in (the real one belongs to the rate-limit module): allow N per tool, then refuse. Keeps the first 1,000 calls. */
export class CountingLimiter implements ToolLimiter {
  readonly calls: Array<{ tool: LimitedTool; identity: ClientIdentity }> = [];
  private readonly used = new Map<LimitedTool, number>();
  failWith: Error | undefined;

  constructor(
    private readonly allowed: Partial<Record<LimitedTool, number>> = {},
    private readonly retryAfterSec = 720,
  ) {}

  async consume(tool: LimitedTool, identity: ClientIdentity): Promise<ToolLimitDecision> {
    if (this.failWith) throw this.failWith;
    if (this.calls.length < 1_000) this.calls.push({ tool, identity });
    const used = (this.used.get(tool) ?? 0) + 1;
    this.used.set(tool, used);
    const limit = this.allowed[tool] ?? Infinity;
    return used <= limit ? { allowed: true } : { allowed: false, retryAfterSec: this.retryAfterSec };
  }
}

export interface TestContext extends ToolCallContext {
  reported: BackendUsage[];
  abort(): void;
}

/** A session's tool-call context; backend spend reports are collected in `reported`. */
export function toolContext(ip = '203.0.113.7'): TestContext {
  const controller = new AbortController();
  const reported: BackendUsage[] = [];
  return {
    sessionId: 'sess_test',
    requestId: 'sess_test',
    identity: { ip, clientKey: ip },
    signal: controller.signal,
    reported,
    abort: () => controller.abort(),
    reportBackendUsage: async (usage) => {
      reported.push(usage);
    },
  };
}

/** The tools' metrics on a private registry, so specs read exact values. */
export function toolMetrics() {
  const registry = new Registry();
  return {
    registry,
    calls: new Counter({ name: TOOL_CALLS_TOTAL, help: 'calls', labelNames: ['tool', 'outcome'], registers: [registry] }),
    duration: new Histogram({ name: TOOL_DURATION_SECONDS, help: 'duration', labelNames: ['tool', 'outcome'], registers: [registry] }),
    upstreamErrors: new Counter({ name: UPSTREAM_ERRORS_TOTAL, help: 'errors', labelNames: ['upstream'], registers: [registry] }),
  };
}

/** The value of a counter for one label set (0 when never incremented). */
export async function counterValue(counter: Counter<string>, labels: Record<string, string>): Promise<number> {
  const { values } = await counter.get();
  return values.find((value) => Object.entries(labels).every(([key, label]) => value.labels[key] === label))?.value ?? 0;
}
