// `npm run bench`: every benchmark section in one run, printed as one table.
// Sections are listed here; each returns rows of figures against their targets.
import { BenchRow } from './measure';
import { authSection } from './sections/auth.section';
import { costSection } from './sections/cost.section';
import { metricsSection } from './sections/metrics.section';
import { rateLimitSection } from './sections/rate-limit.section';
import { realtimeSection } from './sections/realtime.section';
import { startupSection } from './sections/startup.section';
import { storageSection } from './sections/storage.section';
import { toolsSection } from './sections/tools.section';

const SECTIONS: Record<string, () => Promise<BenchRow[]>> = {
  'start-up': startupSection,
  storage: storageSection,
  tools: toolsSection,
  cost: costSection,
  metrics: metricsSection,
  'rate-limit': rateLimitSection,
  realtime: realtimeSection,
  auth: authSection,
};

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const rows: Array<BenchRow & { section: string }> = [];
  for (const [section, run] of Object.entries(SECTIONS)) {
    if (only.length && !only.includes(section)) continue;
    process.stderr.write(`bench: ${section}…\n`);
    for (const row of await run()) rows.push({ section, ...row });
  }
  const width = Math.max(...rows.map((row) => row.name.length));
  const valueWidth = Math.max(...rows.map((row) => row.value.length));
  console.log(`\n${'figure'.padEnd(width)}  ${'measured'.padEnd(valueWidth)}  target`);
  console.log(`${'-'.repeat(width)}  ${'-'.repeat(valueWidth)}  ------`);
  for (const row of rows) {
    const verdict = row.pass === undefined ? '' : row.pass ? '  ok' : '  MISSED';
    console.log(`${row.name.padEnd(width)}  ${row.value.padEnd(valueWidth)}  ${row.target ?? ''}${verdict}`);
  }
  console.log(`\nnode ${process.version}, ${new Date().toISOString()}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
