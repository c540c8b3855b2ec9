// `npm run bench [section…]`: every benchmark section in one run, printed as one table, ending
// with the deployment guide's figures set against what was measured (the target is 5× better).
// Sections are listed here; each returns rows of figures against their targets.
import { cpus, totalmem } from 'node:os';
import { BenchRow, megabytes, micros } from './measure';
import { authSection } from './sections/auth.section';
import { balancerSection } from './sections/balancer.section';
import { ceilingSection } from './sections/ceiling.section';
import { costSection } from './sections/cost.section';
import { floodSection } from './sections/flood.section';
import { httpSection } from './sections/http.section';
import { metricsSection } from './sections/metrics.section';
import { rateLimitSection } from './sections/rate-limit.section';
import { realtimeSection } from './sections/realtime.section';
import { startupSection } from './sections/startup.section';
import { storageSection } from './sections/storage.section';
import { toolsSection } from './sections/tools.section';
import { validationSection } from './sections/validation.section';
import { webFetchSection } from './sections/web-fetch.section';
import { IMAGE_NODE_OPTIONS } from '../test/reliability/support/reliability-stack';

const SECTIONS: Record<string, () => Promise<BenchRow[]>> = {
  'start-up': startupSection,
  http: httpSection,
  flood: floodSection,
  storage: storageSection,
  'rate-limit': rateLimitSection,
  validation: validationSection,
  cost: costSection,
  tools: toolsSection,
  'web-fetch': webFetchSection,
  metrics: metricsSection,
  realtime: realtimeSection,
  auth: authSection,
  ceiling: ceilingSection,
  balancer: balancerSection,
};

/** in-memory-deployment-guide.md, "Performance": what it promised, and which figure answers it. */
const GUIDE: Array<{ figure: string; promised: number; keys: string[]; unit: 'µs' | 'bytes' }> = [
  { figure: 'rate limit check', promised: 100, keys: ['limiter.memory.p99'], unit: 'µs' },
  { figure: 'input validation', promised: 500, keys: ['validation.message.p99', 'validation.tool.p99'], unit: 'µs' },
  { figure: 'cost tracking', promised: 500, keys: ['cost.memory.p99'], unit: 'µs' },
  { figure: 'memory with 100 active sessions', promised: 370 * 1024 * 1024, keys: ['rss.sessions100'], unit: 'bytes' },
];
const GUIDE_FACTOR = 5;

function guideRows(rows: BenchRow[]): BenchRow[] {
  const raw = new Map(rows.filter((row) => row.key && row.raw !== undefined).map((row) => [row.key!, row.raw!]));
  return GUIDE.filter((entry) => entry.keys.every((key) => raw.has(key))).map((entry) => {
    // Several figures answer one promise: the worst of them counts.
    const measured = Math.max(...entry.keys.map((key) => raw.get(key)!));
    const factor = entry.promised / measured;
    const show = (value: number) => (entry.unit === 'µs' ? micros(value) : megabytes(value));
    return {
      name: `guide: ${entry.figure} (guide ${entry.unit === 'µs' ? '< ' : '~'}${show(entry.promised)}${entry.unit === 'µs' ? ', measured as p99' : ''})`,
      value: `${show(measured)}: ${factor.toFixed(1)}× better`,
      target: `≥ ${GUIDE_FACTOR}× better`,
      pass: factor >= GUIDE_FACTOR,
    };
  });
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const unknown = only.filter((name) => !(name in SECTIONS));
  if (unknown.length) throw new Error(`unknown section(s) ${unknown.join(', ')}; sections: ${Object.keys(SECTIONS).join(', ')}`);
  const rows: Array<BenchRow & { section: string }> = [];
  for (const [section, run] of Object.entries(SECTIONS)) {
    if (only.length && !only.includes(section)) continue;
    process.stderr.write(`bench: ${section}…\n`);
    try {
      for (const row of await run()) rows.push({ section, ...row });
    } catch (error) {
      // One section failing must not lose the others' figures.
      rows.push({ section, name: `${section} section failed`, value: String((error as Error)?.message ?? error).slice(0, 100), pass: false });
    }
  }
  for (const row of guideRows(rows)) rows.push({ section: 'deployment guide', ...row });

  const width = Math.max(...rows.map((row) => row.name.length));
  const valueWidth = Math.max(...rows.map((row) => row.value.length));
  console.log(`\n${'figure'.padEnd(width)}  ${'measured'.padEnd(valueWidth)}  target`);
  let section = '';
  for (const row of rows) {
    if (row.section !== section) {
      section = row.section;
      console.log(`${`-- ${section} `.padEnd(width + valueWidth + 4, '-')}------`);
    }
    const verdict = row.pass === undefined ? '' : row.pass ? '  ok' : '  MISSED';
    console.log(`${row.name.padEnd(width)}  ${row.value.padEnd(valueWidth)}  ${row.target ?? ''}${verdict}`);
  }
  const missed = rows.filter((row) => row.pass === false).length;
  const checked = rows.filter((row) => row.pass !== undefined).length;
  console.log(`\n${checked - missed} of ${checked} targets met${missed ? `, ${missed} MISSED` : ''}`);
  console.log(`node ${process.version}, app processes with NODE_OPTIONS=${IMAGE_NODE_OPTIONS} (as the image runs), ${cpus().length} × ${cpus()[0]?.model.trim()}, ${megabytes(totalmem())} RAM, loopback, ${new Date().toISOString()}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
