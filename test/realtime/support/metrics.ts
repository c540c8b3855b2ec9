import { register } from 'prom-client';

/** Current value of a series in prom-client's global registry (shared by every app in this process). */
export async function metricValue(name: string, labels: Record<string, string> = {}): Promise<number> {
  const found = register.getSingleMetric(name);
  if (!found) return 0;
  const { values } = await found.get();
  return values
    .filter((value) => ((value as { metricName?: string }).metricName ?? name) === name && Object.entries(labels).every(([key, label]) => value.labels[key] === label))
    .reduce((sum, value) => sum + value.value, 0);
}
