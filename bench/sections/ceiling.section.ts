import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findCeiling } from '../../test/reliability/scenarios/ceiling.scenario';
import { startReliabilityStack } from '../../test/reliability/support/reliability-stack';
import { BenchRow, megabytes } from '../measure';

// The most conversations the built app holds on this machine with the control-message round trip
// p99 under 100 ms, each conversation running the soak profile (a turn with usage every 5 s,
// every third a tool call, a control message every 2.5 s). Coarser steps and shorter holds than
// `npm run soak`, which runs the same search in finer steps.

// Each conversation is two sockets in the test process too (the browser's, the fake sideband's),
// whose descriptor limit (20,000) caps the search near 9,000.
const STEPS = [1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000];
const CA = join(__dirname, '..', '..', 'test', 'fakes', 'tls', 'ca.pem');

export async function ceilingSection(): Promise<BenchRow[]> {
  setDefaultCACertificates([...getCACertificates('default'), readFileSync(CA, 'utf8')]);
  process.env.NODE_EXTRA_CA_CERTS = CA;
  const stack = await startReliabilityStack();
  try {
    const ceiling = await findCeiling(stack, { steps: STEPS, holdMs: 10_000, targetP99Ms: 100, progress: (note) => process.stderr.write(`  ceiling: ${note}\n`) });
    const held = ceiling.steps.find((step) => step.sessions === ceiling.held);
    return [
      {
        name: 'max conversations held, control-message p99 < 100 ms (soak profile)',
        value: held ? `${ceiling.held} (p99 ${held.p99Ms.toFixed(1)} ms, RSS ${megabytes(held.rssBytes)})` : '0',
        target: '≥ 500',
        pass: ceiling.held >= 500,
        key: 'sessions.max',
        raw: ceiling.held,
      },
      { name: 'ceiling search stopped by', value: ceiling.stoppedBy },
    ];
  } finally {
    await stack.stop();
  }
}
