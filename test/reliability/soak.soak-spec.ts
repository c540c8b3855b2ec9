import { findCeiling, CeilingReport } from './scenarios/ceiling.scenario';
import { describeSoak, mb, runSoak, SoakReport } from './scenarios/soak.scenario';
import { assertSoak } from './soak-assertions';
import { ReliabilityStack, startReliabilityStack } from './support/reliability-stack';

// `npm run soak`: 500 conversations on the built app held for five minutes (each with a started
// call, usage and tool events), a paused reader and a flooding client in the middle, then the
// highest number of conversations this machine holds with the control-message p99 under 100 ms.
// SOAK_SESSIONS / SOAK_MINUTES change the first part (e.g. for a quick local try).

const SESSIONS = Number(process.env.SOAK_SESSIONS ?? 500);
const HOLD_MS = Number(process.env.SOAK_MINUTES ?? 5) * 60_000;
const CEILING_STEPS = [500, 1_000, 1_500, 2_000, 2_500, 3_000, 4_000, 5_000, 6_000, 6_500, 7_000, 7_500, 8_000];
const log = (note: string) => process.stdout.write(`  ${note}\n`);

describe(`soak: ${SESSIONS} conversations for ${HOLD_MS / 60_000} minutes on the built app`, () => {
  let stack: ReliabilityStack;
  let report: SoakReport;

  beforeAll(async () => {
    stack = await startReliabilityStack();
    process.stdout.write(`\nsoak: ${SESSIONS} conversations, ${HOLD_MS / 1_000} s hold\n`);
    report = await runSoak(stack, { sessions: SESSIONS, holdMs: HOLD_MS, abusers: true, progress: log });
    process.stdout.write(`\nsoak figures\n  ${describeSoak(report).join('\n  ')}\n`);
  }, HOLD_MS + 180_000);
  afterAll(() => stack?.stop());

  assertSoak(() => report, { sessions: SESSIONS });
});

describe('ceiling: the most conversations this machine holds with p99 < 100 ms', () => {
  let stack: ReliabilityStack;
  let ceiling: CeilingReport;

  beforeAll(async () => {
    stack = await startReliabilityStack();
    process.stdout.write('\nceiling search (soak profile, 20 s per step)\n');
    ceiling = await findCeiling(stack, { steps: CEILING_STEPS, holdMs: 20_000, targetP99Ms: 100, progress: log });
    const peak = ceiling.steps.find((step) => step.sessions === ceiling.held);
    process.stdout.write(`\nceiling: ${ceiling.held} conversations held (${peak ? `p99 ${peak.p99Ms.toFixed(1)} ms, RSS ${mb(peak.rssBytes)}` : 'none'}); stopped: ${ceiling.stoppedBy}\n`);
  }, 20 * 60_000);
  afterAll(() => stack?.stop());

  it('holds at least the 500 of the soak with p99 < 100 ms', () => {
    expect(ceiling.held).toBeGreaterThanOrEqual(500);
  });
});
