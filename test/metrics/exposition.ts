// A small reader of the Prometheus text format, enough for the tests to ask "which families
// exist, of what type, and what does this series read".

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: MetricType;
  help: string;
  samples: Sample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const SUFFIXES = ['_bucket', '_sum', '_count'];

function labelsOf(text: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const match of (text ?? '').matchAll(LABEL)) labels[match[1]] = match[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  return labels;
}

export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string) => {
    let found = families.get(name);
    if (!found) families.set(name, (found = { name, type: 'untyped', help: '', samples: [] }));
    return found;
  };
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') family(meta[2]).type = meta[3] as MetricType;
      else family(meta[2]).help = meta[3];
      continue;
    }
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`not a Prometheus text line: ${line}`);
    const [, name, labels, value] = sample;
    const owner = families.has(name) ? name : (SUFFIXES.map((s) => name.slice(0, -s.length)).find((base, i) => name.endsWith(SUFFIXES[i]) && families.has(base)) ?? name);
    family(owner).samples.push({ name, labels: labelsOf(labels), value: Number(value) });
  }
  return families;
}

/** The sum of the series named `sampleName` whose labels include `labels`; 0 when none is written yet. */
export function valueOf(families: Map<string, Family>, sampleName: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name === sampleName && Object.entries(labels).every(([key, value]) => sample.labels[key] === value)) total += sample.value;
    }
  }
  return total;
}

/** Every series name a family can produce: what PromQL may select for it. */
export function seriesNamesOf(family: Family): string[] {
  if (family.type === 'histogram') return SUFFIXES.map((suffix) => family.name + suffix);
  if (family.type === 'summary') return [family.name, `${family.name}_sum`, `${family.name}_count`];
  return [family.name];
}

export async function scrape(url: string, token?: string): Promise<Map<string, Family>> {
  const response = await fetch(`${url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  return parseExposition(await response.text());
}
