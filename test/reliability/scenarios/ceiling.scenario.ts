import { sleep } from '../../support/ports';
import { ConversationLoad, LoadProfile, SOAK_PROFILE } from '../support/conversation-load';
import type { ReliabilityStack } from '../support/reliability-stack';
import { sumOf } from '../support/server-probe';

// How many conversations this machine holds: add conversations step by step, each running the
// soak profile, and stop at the first step whose control-message p99 reaches the target, where
// a conversation fails to open or something closes unexpectedly, or at the file-descriptor
// ceiling (20,000 per process here: each conversation is two sockets in the app — browser and
// sideband — and two in the test process — the browser's and the fake's end of the sideband).

export interface CeilingOptions {
  steps: number[];
  holdMs: number;
  targetP99Ms: number;
  profile?: LoadProfile;
  progress?: (note: string) => void;
}

export interface CeilingStep {
  sessions: number;
  p50Ms: number;
  p99Ms: number;
  serverLagP99Ms: number;
  rssBytes: number;
  fds: number;
  openFailures: number;
  unexpected: number;
}

export interface CeilingReport {
  /** The largest step that met every condition (0 if none did). */
  held: number;
  /** Why the search stopped. */
  stoppedBy: string;
  steps: CeilingStep[];
}

export async function findCeiling(stack: ReliabilityStack, options: CeilingOptions): Promise<CeilingReport> {
  const note = options.progress ?? (() => undefined);
  const load = new ConversationLoad(stack.app.url, stack.realtime, options.profile ?? SOAK_PROFILE);
  const steps: CeilingStep[] = [];
  let held = 0;
  let stoppedBy = `reached the last step (${options.steps.at(-1)})`;
  load.drive();
  try {
    for (const target of options.steps) {
      await load.open(target - load.size, 100);
      await sleep(2_000);
      const since = performance.now();
      await sleep(options.holdMs);
      const latency = load.latency(since);
      const metrics = await stack.probe.metrics().catch((error: Error) => error);
      if (metrics instanceof Error) {
        // Past what the machine holds, the service's own endpoints stop answering in time too.
        stoppedBy = `/metrics did not answer at ${target} (${metrics.message})`;
        break;
      }
      const step: CeilingStep = {
        sessions: target,
        p50Ms: latency.p50,
        p99Ms: latency.p99,
        serverLagP99Ms: sumOf(metrics, 'nodejs_eventloop_lag_p99_seconds') * 1_000,
        rssBytes: stack.probe.rssBytes(),
        fds: stack.probe.fdCount(),
        openFailures: load.openFailures.length,
        unexpected: load.unexpected().length,
      };
      steps.push(step);
      note(`${target} conversations: p50 ${step.p50Ms.toFixed(1)} ms, p99 ${step.p99Ms.toFixed(1)} ms, server lag p99 ${step.serverLagP99Ms.toFixed(1)} ms, RSS ${(step.rssBytes / 1048576).toFixed(0)} MB, ${step.fds} fds, ${step.openFailures} failed opens, ${step.unexpected} unexpected`);
      if (step.openFailures) {
        stoppedBy = `${step.openFailures} conversation(s) failed to open at ${target}: ${load.openFailures[0]}`;
        break;
      }
      if (step.unexpected) {
        stoppedBy = `unexpected closes at ${target}: ${load.unexpected()[0]}`;
        break;
      }
      if (!(step.p99Ms < options.targetP99Ms)) {
        stoppedBy = `p99 ${step.p99Ms.toFixed(1)} ms ≥ ${options.targetP99Ms} ms at ${target}`;
        break;
      }
      held = target;
    }
  } finally {
    await load.stopAll(200);
  }
  return { held, stoppedBy, steps };
}
