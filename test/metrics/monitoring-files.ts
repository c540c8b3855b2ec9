// Reading the monitoring files the way Grafana, Prometheus and compose read them, for the tests.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ROOT } from '../support/spawned-app';

export const MONITORING = join(ROOT, 'monitoring');
export const PROMETHEUS_YML = join(MONITORING, 'prometheus.yml');
export const RULES_DIR = join(MONITORING, 'alerts');
export const RULES_FILE = join(RULES_DIR, 'duck-e.rules.yml');
export const RULES_TEST_FILE = join(RULES_DIR, 'duck-e.rules.test.yml');
export const DASHBOARD_FILE = join(MONITORING, 'grafana', 'dashboards', 'duck-e.json');

export const readYaml = <T>(file: string): T => parse(readFileSync(file, 'utf8')) as T;

export interface GrafanaTarget {
  refId: string;
  expr?: string;
  datasource?: { type: string; uid: string };
}
export interface GrafanaPanel {
  id: number;
  type: string;
  title: string;
  description?: string;
  gridPos?: { h: number; w: number; x: number; y: number };
  datasource?: { type: string; uid: string };
  targets?: GrafanaTarget[];
  panels?: GrafanaPanel[];
}
export interface GrafanaVariable {
  name: string;
  type: string;
  query: string | { query: string };
  allValue?: string;
  datasource?: { type: string; uid: string };
}
export interface GrafanaDashboard {
  uid: string;
  title: string;
  id: number | null;
  schemaVersion: number;
  panels: GrafanaPanel[];
  templating: { list: GrafanaVariable[] };
}

export const readDashboard = () => JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as GrafanaDashboard;

/** Every panel, those inside collapsed rows included. */
export function allPanels(dashboard: GrafanaDashboard): GrafanaPanel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/** Panels that draw data (rows only group them). */
export const dataPanels = (dashboard: GrafanaDashboard) => allPanels(dashboard).filter((panel) => panel.type !== 'row');

export interface RuleFile {
  groups: Array<{ name: string; rules: Array<{ alert?: string; record?: string; expr: string; for?: string }> }>;
}

/**
 * The PromQL Grafana would send: the dashboard's own variables at their defaults (All for a
 * multi-value query variable), and Grafana's interval macros at typical values.
 */
export function grafanaExpression(expr: string, dashboard: GrafanaDashboard): string {
  const values: Record<string, string> = { __rate_interval: '1m', __interval: '15s', __range: '1h' };
  for (const variable of dashboard.templating.list) {
    if (variable.type === 'textbox' || variable.type === 'constant') values[variable.name] = String(variable.query);
    if (variable.type === 'query') values[variable.name] = variable.allValue ?? '.*';
  }
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (text, braced?: string, bare?: string) => {
    const name = braced ?? bare ?? '';
    if (!(name in values)) throw new Error(`unknown variable ${text} in ${expr}`);
    return values[name];
  });
}

export interface AlertExpression {
  where: string;
  expr: string;
}

/** Every PromQL expression an operator's tools evaluate: dashboard targets and alert rules. */
export function allExpressions(): AlertExpression[] {
  const dashboard = readDashboard();
  const fromPanels = dataPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ where: `panel "${panel.title}" ${target.refId}`, expr: grafanaExpression(target.expr ?? '', dashboard) })),
  );
  const rules = readYaml<RuleFile>(RULES_FILE).groups.flatMap((group) =>
    group.rules.map((rule) => ({ where: `rule ${rule.alert ?? rule.record}`, expr: rule.expr })),
  );
  return [...fromPanels, ...rules];
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan', 'atan2']);

/** The metric names a PromQL expression selects (functions, keywords, labels and literals removed). */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\boffset\s+-?\w+/g, ' ')
    .replace(/(^|[^\w:])(\d+(\.\d+)?([eE][+-]?\d+)?|0x[0-9a-fA-F]+)(?![\w:])/g, '$1 ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const rest = stripped.slice(match.index + match[0].length);
    if (/^\s*\(/.test(rest) || KEYWORDS.has(match[0].toLowerCase())) continue;
    names.add(match[0]);
  }
  return [...names];
}

/**
 * A copy of monitoring/ laid out as the compose file mounts it in the Prometheus container
 * (/etc/prometheus with prometheus.yml, alerts/ and the secrets/ folder the entrypoint fills),
 * with `edit` applied to prometheus.yml (tests point the targets at loopback).
 */
export function prometheusConfigDir(edit: (config: PrometheusConfig) => void = () => undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'ducke-prometheus-'));
  const config = readYaml<PrometheusConfig>(PROMETHEUS_YML);
  edit(config);
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
  cpSync(RULES_DIR, join(dir, 'alerts'), { recursive: true });
  mkdirSync(join(dir, 'secrets'));
  return dir;
}

export interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  scrape_interval?: string;
  authorization?: { type?: string; credentials_file?: string };
  static_configs: Array<{ targets: string[] }>;
}
export interface PrometheusConfig {
  global: { scrape_interval: string; evaluation_interval: string; scrape_timeout?: string };
  rule_files: string[];
  scrape_configs: ScrapeConfig[];
}

export interface ComposeService {
  image?: string;
  profiles?: string[];
  ports?: string[];
  environment?: Record<string, string>;
  entrypoint?: string[];
  volumes?: string[];
  tmpfs?: string[];
  depends_on?: string[];
}
export const readCompose = () => readYaml<{ services: Record<string, ComposeService>; volumes: Record<string, unknown> }>(join(ROOT, 'docker-compose.yml'));

/** A compose entrypoint's `sh -c` script as the shell receives it (compose turns `$$` into `$`). */
export function shellScriptOf(service: ComposeService): string {
  const entrypoint = service.entrypoint ?? [];
  if (entrypoint[0] !== '/bin/sh' || entrypoint[1] !== '-c') throw new Error(`not a /bin/sh -c entrypoint: ${JSON.stringify(entrypoint)}`);
  return entrypoint[2].replaceAll('$$', '$');
}
