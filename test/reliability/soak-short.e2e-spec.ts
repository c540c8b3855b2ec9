import { startReliabilityStack, ReliabilityStack } from './support/reliability-stack';
import { assertSoak, SOAK_CI_BOUNDS } from './soak-assertions';
import { describeSoak, runSoak, SoakReport } from './scenarios/soak.scenario';

// The soak of `npm run soak`, short enough for every CI run: 100 conversations for 20 s against
// the built app, with a paused reader and a flooding client halfway through. Same figures and
// behaviour, timing bounds wide enough for a busy machine; `npm run soak` holds 500 for five
// minutes against the real targets and looks for the ceiling.

describe('soak (short): 100 conversations for 20 s on the built app', () => {
  let stack: ReliabilityStack;
  let report: SoakReport;

  beforeAll(async () => {
    stack = await startReliabilityStack();
    report = await runSoak(stack, { sessions: 100, holdMs: 20_000, abusers: true });
    console.log(`soak (short)\n  ${describeSoak(report).join('\n  ')}`);
  }, 120_000);
  afterAll(() => stack?.stop());

  assertSoak(() => report, { sessions: 100, bounds: SOAK_CI_BOUNDS });
});
