import { register } from 'prom-client';

/**
 * The value of rate_limit_exceeded_total{route} in this process's registry (apps started with
 * startTestApp register their metrics here). Tests compare before/after, since every app in the
 * process shares it.
 */
export async function exceededCount(route: string): Promise<number> {
  const metric = register.getSingleMetric('rate_limit_exceeded_total');
  if (!metric) return 0;
  const values = (await metric.get()).values;
  return values.find((value) => value.labels.route === route)?.value ?? 0;
}

export async function metricValue(name: string): Promise<number> {
  const metric = register.getSingleMetric(name);
  if (!metric) return Number.NaN;
  return (await metric.get()).values[0]?.value ?? 0;
}
