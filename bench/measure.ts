// Small helpers shared by the benchmark sections.

export interface BenchRow {
  /** What was measured, e.g. "MemoryStore increment". */
  name: string;
  /** The figure, already formatted with its unit. */
  value: string;
  /** The target it is held against, e.g. "p99 < 20 µs". */
  target?: string;
  /** Whether the target was met (undefined when there is none). */
  pass?: boolean;
  /** Names the figure for comparisons made after every section ran (the deployment guide's). */
  key?: string;
  /** The figure as a number, in the unit its comparison uses (µs or bytes). */
  raw?: number;
}

export interface Percentiles {
  p50: number;
  p99: number;
  max: number;
  count: number;
}

/** Percentiles of a list of samples (any unit). */
export function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1], count: sorted.length };
}

/** Time `iterations` sequential awaits of `operation`, after `warmup` untimed ones; samples in µs. */
export async function timeAsync(operation: (i: number) => Promise<unknown>, iterations: number, warmup = 1_000): Promise<Percentiles> {
  for (let i = 0; i < warmup; i++) await operation(i);
  const samples = new Array<number>(iterations);
  for (let i = 0; i < iterations; i++) {
    const started = process.hrtime.bigint();
    await operation(i);
    samples[i] = Number(process.hrtime.bigint() - started) / 1_000;
  }
  return percentiles(samples);
}

export const micros = (value: number) => (value >= 1_000 ? `${(value / 1_000).toFixed(2)} ms` : `${value.toFixed(1)} µs`);

export const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
