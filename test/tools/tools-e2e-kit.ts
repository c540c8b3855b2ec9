// Helpers for the tools' end-to-end specs: the real app's TOOL_CATALOG, and metric deltas from
// prom-client's global registry (shared by every app a test process builds).
import { register } from 'prom-client';
import { TOOL_CATALOG, ToolCatalog, ToolOutcome } from '../../src/common/session-ports';
import type { TestApp } from '../support/test-app';
import { TestContext } from './tool-kit';

export function catalogOf(app: TestApp): ToolCatalog {
  return app.app.get<ToolCatalog>(TOOL_CATALOG);
}

export interface ParsedOutcome extends ToolOutcome {
  /** `output` parsed. */
  body: Record<string, unknown>;
}

/** Run a tool call through the catalog with arguments given as an object. */
export async function call(catalog: ToolCatalog, name: string, args: unknown, context: TestContext): Promise<ParsedOutcome> {
  const outcome = await catalog.run(name, typeof args === 'string' ? args : JSON.stringify(args), context);
  return { ...outcome, body: JSON.parse(outcome.output) as Record<string, unknown> };
}

/** Current value of a counter (or histogram `_count`) series in the global registry. */
export async function metricValue(name: string, labels: Record<string, string>): Promise<number> {
  const metric = register.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  const matching = values.filter(
    (value) =>
      (!('metricName' in value) || value.metricName === undefined || value.metricName === name || value.metricName === `${name}_count`) &&
      Object.entries(labels).every(([key, label]) => value.labels[key] === label),
  );
  return matching.reduce((sum, value) => sum + value.value, 0);
}
