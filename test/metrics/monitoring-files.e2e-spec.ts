import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../support/spawned-app';
import {
  allExpressions,
  allPanels,
  dataPanels,
  GrafanaDashboard,
  metricNamesIn,
  MONITORING,
  prometheusConfigDir,
  PROMETHEUS_YML,
  readCompose,
  readDashboard,
  readYaml,
  RuleFile,
  RULES_FILE,
  RULES_TEST_FILE,
  shellScriptOf,
} from './monitoring-files';

const run = promisify(execFile);
const promtool = (...args: string[]) => run('promtool', args, { cwd: MONITORING, timeout: 30_000 });

describe('monitoring files', () => {
  describe('Prometheus', () => {
    it('passes `promtool check config` in the layout the container mounts it in', async () => {
      const dir = prometheusConfigDir();
      // What the compose entrypoint writes when METRICS_TOKEN is unset.
      writeFileSync(join(dir, 'secrets', 'metrics_token'), '');
      try {
        const { stdout } = await promtool('check', 'config', join(dir, 'prometheus.yml'));
        expect(stdout).toMatch(/SUCCESS: .*prometheus\.yml is valid prometheus config file syntax/);
        expect(stdout).toMatch(/SUCCESS: 11 rules found/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('scrapes the app by its compose name with the bearer token file, never Redis', () => {
      const config = readYaml<{ scrape_configs: Array<{ job_name: string; authorization?: { type: string; credentials_file: string }; static_configs: Array<{ targets: string[] }> }> }>(PROMETHEUS_YML);
      const app = config.scrape_configs.find((job) => job.job_name === 'duck-e');
      expect(app?.static_configs).toEqual([{ targets: ['duck-e:8000'] }]);
      expect(app?.authorization).toEqual({ type: 'Bearer', credentials_file: 'secrets/metrics_token' });
      const targets = config.scrape_configs.flatMap((job) => job.static_configs.flatMap((group) => group.targets));
      expect(targets.filter((target) => /redis|6379/.test(target))).toEqual([]);
    });

    it('has alert rules that pass `promtool check rules`', async () => {
      const { stdout } = await promtool('check', 'rules', RULES_FILE);
      expect(stdout).toMatch(/SUCCESS: 11 rules found/);
    });

    it('raises each alert on the series that should raise it, and only then (`promtool test rules`)', async () => {
      const { stdout } = await promtool('test', 'rules', RULES_TEST_FILE);
      expect(stdout).toMatch(/SUCCESS/);
      const tested = new Set(readFileSync(RULES_TEST_FILE, 'utf8').match(/alertname: (\w+)/g)?.map((line) => line.split(' ')[1]));
      const alerts = readYaml<RuleFile>(RULES_FILE).groups.flatMap((group) => group.rules.map((rule) => rule.alert));
      expect(alerts.filter((alert) => !tested.has(alert!))).toEqual([]);
    });

    it('alerts on the breaker, 80 % of the configured hourly cap, storage, upstream errors and a down app', () => {
      const rules = Object.fromEntries(readYaml<RuleFile>(RULES_FILE).groups.flatMap((group) => group.rules.map((rule) => [rule.alert, rule.expr])));
      expect(rules).toMatchObject({
        DuckEDown: expect.stringContaining('up{job="duck-e"}'),
        DuckECircuitBreakerOpen: expect.stringContaining('ducke_circuit_breaker_open'),
        DuckEHourlySpendHigh: 'max(ducke_hourly_spend_usd) > 0.8 * max(ducke_hourly_cap_usd)',
        DuckEHourlyCapReached: 'max(ducke_hourly_spend_usd) >= max(ducke_hourly_cap_usd)',
        DuckEStorageDown: expect.stringContaining('ducke_storage_up'),
        DuckERateLimitFallbackActive: expect.stringContaining('ducke_rate_limit_fallback_active'),
        DuckEUpstreamErrorsHigh: expect.stringContaining('ducke_upstream_errors_total'),
        DuckECostLedgerStalled: 'max(ducke_cost_ledger_queue_age_seconds) >= 10',
        DuckECallUnwatched: expect.stringContaining('ducke_calls_unwatched_total'),
        DuckEMeteringLost: expect.stringContaining('ducke_metering_lost_total'),
      });
    });
  });

  describe('the Grafana dashboard', () => {
    const dashboard: GrafanaDashboard = readDashboard();
    const panels = dataPanels(dashboard);

    it('has a stable uid, no database id, and unique panel ids', () => {
      expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
      expect(dashboard.id).toBeNull();
      expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
      const ids = allPanels(dashboard).map((panel) => panel.id);
      expect(ids.every((id) => Number.isInteger(id))).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('selects its data source through a `datasource` variable, never a hard-coded one', () => {
      const variable = dashboard.templating.list.find((item) => item.name === 'datasource');
      expect(variable).toMatchObject({ type: 'datasource', query: 'prometheus' });
      for (const panel of panels) {
        expect({ panel: panel.title, datasource: panel.datasource }).toEqual({ panel: panel.title, datasource: { type: 'prometheus', uid: '${datasource}' } });
        for (const target of panel.targets ?? []) expect({ panel: panel.title, datasource: target.datasource?.uid }).toEqual({ panel: panel.title, datasource: '${datasource}' });
      }
      for (const variable of dashboard.templating.list.filter((item) => item.datasource)) expect(variable.datasource?.uid).toBe('${datasource}');
    });

    it('gives every panel a place on the grid, a title, a description and at least one query', () => {
      for (const panel of allPanels(dashboard)) {
        const { gridPos } = panel;
        expect({ panel: panel.title, gridPos: gridPos && gridPos.x >= 0 && gridPos.x + gridPos.w <= 24 && gridPos.y >= 0 && gridPos.h > 0 }).toEqual({ panel: panel.title, gridPos: true });
      }
      for (const panel of panels) {
        expect(panel.title.length).toBeGreaterThan(3);
        expect(panel.description?.length).toBeGreaterThan(10);
        expect({ panel: panel.title, queries: (panel.targets ?? []).filter((target) => target.expr?.trim()).length > 0 }).toEqual({ panel: panel.title, queries: true });
        const refIds = (panel.targets ?? []).map((target) => target.refId);
        expect(new Set(refIds).size).toBe(refIds.length);
      }
    });

    it('does not overlap panels', () => {
      const boxes = allPanels(dashboard).map((panel) => ({ title: panel.title, ...panel.gridPos! }));
      for (const [i, a] of boxes.entries()) {
        for (const b of boxes.slice(i + 1)) {
          const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
          expect({ a: a.title, b: b.title, overlap }).toEqual({ a: a.title, b: b.title, overlap: false });
        }
      }
    });

    it('has a panel for every signal an operator watches', () => {
      const metrics = new Set(panels.flatMap((panel) => (panel.targets ?? []).flatMap((target) => metricNamesIn(target.expr ?? ''))));
      for (const name of [
        'ducke_sessions_active',
        'ducke_session_starts_total',
        'ducke_session_refusals_total',
        'ducke_hourly_spend_usd',
        'ducke_cost_total_usd',
        'ducke_tokens_total',
        'ducke_circuit_breaker_activations_total',
        'ducke_circuit_breaker_open',
        'rate_limit_exceeded_total',
        'ducke_tool_calls_total',
        'ducke_tool_duration_seconds_bucket',
        'ducke_upstream_errors_total',
        'http_request_duration_seconds_bucket',
        'process_resident_memory_bytes',
        'process_cpu_seconds_total',
        'nodejs_eventloop_lag_p99_seconds',
        'ducke_storage_up',
      ]) {
        expect({ name, onDashboard: metrics.has(name) }).toEqual({ name, onDashboard: true });
      }
    });

    it('draws the hourly cap and the breaker threshold as dashed lines from the limits the app exports', () => {
      const spend = panels.find((panel) => panel.targets?.some((target) => target.expr?.includes('ducke_hourly_spend_usd')) && panel.type === 'timeseries') as unknown as {
        targets: Array<{ expr: string; legendFormat: string }>;
        fieldConfig: { overrides: Array<{ matcher: { options: string }; properties: Array<{ id: string; value: unknown }> }> };
      };
      expect(spend.targets.map((target) => target.expr)).toEqual(
        expect.arrayContaining(['max(ducke_hourly_cap_usd{instance=~"$instance"})', 'max(ducke_circuit_breaker_threshold_usd{instance=~"$instance"})']),
      );
      for (const line of ['hourly cap', 'breaker threshold']) {
        expect(spend.targets.some((target) => target.legendFormat === line)).toBe(true);
        const override = spend.fieldConfig.overrides.find((item) => item.matcher.options === line);
        expect(override?.properties).toEqual(expect.arrayContaining([{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }]));
      }
    });

    it('finds the metric names a PromQL expression selects, and nothing else', () => {
      expect(metricNamesIn('histogram_quantile(0.95, sum by (le, tool) (rate(ducke_tool_duration_seconds_bucket{instance=~".*", tool!="x"}[1m]))) * 60 > 1e3')).toEqual([
        'ducke_tool_duration_seconds_bucket',
      ]);
      expect(metricNamesIn('max(a_total offset 5m) / on (instance) group_left (model) b_info and vector(50) unless c:recorded')).toEqual(['a_total', 'b_info', 'c:recorded']);
      expect(metricNamesIn('up{job="duck-e"} == 0')).toEqual(['up']);
      expect(metricNamesIn('vector(50)')).toEqual([]);
    });

    it('uses only Grafana variables it defines and macros Grafana provides', () => {
      expect(() => allExpressions()).not.toThrow();
    });
  });

  describe('Grafana provisioning', () => {
    it('provisions the Prometheus data source of the compose profile and loads the dashboards folder', () => {
      const datasources = readYaml<{ apiVersion: number; datasources: Array<{ type: string; uid: string; url: string; access: string }> }>(
        join(MONITORING, 'grafana', 'provisioning', 'datasources', 'prometheus.yml'),
      );
      expect(datasources.apiVersion).toBe(1);
      expect(datasources.datasources).toEqual([expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090', access: 'proxy' })]);
      const providers = readYaml<{ apiVersion: number; providers: Array<{ type: string; options: { path: string } }> }>(
        join(MONITORING, 'grafana', 'provisioning', 'dashboards', 'duck-e.yml'),
      );
      expect(providers.providers).toEqual([expect.objectContaining({ type: 'file', options: { path: '/var/lib/grafana/dashboards/duck-e' } })]);
      const grafana = readCompose().services.grafana;
      expect(grafana.volumes).toEqual(
        expect.arrayContaining([
          './monitoring/grafana/provisioning:/etc/grafana/provisioning:ro',
          './monitoring/grafana/dashboards:/var/lib/grafana/dashboards/duck-e:ro',
        ]),
      );
      const dashboards = readdirSync(join(MONITORING, 'grafana', 'dashboards'));
      expect(dashboards).toEqual(['duck-e.json']);
    });
  });

  describe('docker compose', () => {
    const compose = readCompose();

    it('keeps the single container default and puts Prometheus and Grafana in the monitoring profile', () => {
      expect(compose.services['duck-e'].profiles).toBeUndefined();
      expect(compose.services.prometheus.profiles).toEqual(['monitoring']);
      expect(compose.services.grafana.profiles).toEqual(['monitoring']);
      expect(compose.services.prometheus.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
      expect(compose.services.grafana.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
      expect(compose.services.prometheus.volumes).toEqual(
        expect.arrayContaining(['./monitoring/prometheus.yml:/etc/prometheus/prometheus.yml:ro', './monitoring/alerts:/etc/prometheus/alerts:ro']),
      );
      for (const source of ['monitoring/prometheus.yml', 'monitoring/alerts', 'monitoring/grafana/provisioning', 'monitoring/grafana/dashboards']) {
        expect(existsSync(join(ROOT, source)) && (statSync(join(ROOT, source)).isFile() || statSync(join(ROOT, source)).isDirectory())).toBe(true);
      }
    });

    it('publishes Prometheus and Grafana on loopback only', () => {
      expect(compose.services.prometheus.ports).toEqual(['127.0.0.1:9090:9090']);
      expect(compose.services.grafana.ports).toEqual(['127.0.0.1:3000:3000']);
    });

    it('requires nothing of a default `docker compose up`: no required-variable syntax anywhere', () => {
      // Compose interpolates every service, started or not: a `${VAR:?…}` in the monitoring
      // profile would stop the single-container default from starting.
      expect(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')).not.toMatch(/\$\{[A-Z_]+:?\?/);
    });

    it('escapes every shell variable of the entrypoints from compose interpolation', () => {
      for (const name of ['prometheus', 'grafana']) {
        const raw = compose.services[name].entrypoint![2];
        expect({ name, unescaped: raw.replaceAll('$$', '').includes('$') }).toEqual({ name, unescaped: false });
      }
    });

    describe('Grafana admin password', () => {
      const guard = shellScriptOf(compose.services.grafana).replace('exec /run.sh', 'echo started');
      const start = (password: string | undefined) =>
        spawnSync('/bin/sh', ['-c', guard], { env: password === undefined ? {} : { GF_SECURITY_ADMIN_PASSWORD: password }, encoding: 'utf8' });

      it('comes from GRAFANA_ADMIN_PASSWORD in .env, for the admin user', () => {
        expect(compose.services.grafana.environment).toMatchObject({
          GF_SECURITY_ADMIN_USER: 'admin',
          GF_SECURITY_ADMIN_PASSWORD: '${GRAFANA_ADMIN_PASSWORD:-}',
          GF_USERS_ALLOW_SIGN_UP: 'false',
          GF_AUTH_ANONYMOUS_ENABLED: 'false',
        });
      });

      it('keeps Grafana from starting when it is missing, short or "admin"', () => {
        for (const password of [undefined, '', 'admin', 'short-pass']) {
          const result = start(password);
          expect({ password, status: result.status, stdout: result.stdout }).toEqual({ password, status: 1, stdout: '' });
          expect(result.stderr).toMatch(/set GRAFANA_ADMIN_PASSWORD in \.env/);
        }
      });

      it('starts Grafana with a real password', () => {
        const result = start('correct horse battery staple');
        expect(result.status).toBe(0);
        expect(result.stdout.trim()).toBe('started');
      });
    });

    it('hands METRICS_TOKEN to Prometheus through the token file, not its command line', () => {
      const prometheus = compose.services.prometheus;
      expect(prometheus.environment).toEqual({ METRICS_TOKEN: '${METRICS_TOKEN:-}' });
      expect(prometheus.tmpfs).toEqual(['/etc/prometheus/secrets']);
      const script = shellScriptOf(prometheus);
      expect(script).toContain('> /etc/prometheus/secrets/metrics_token');
      expect(script).toMatch(/unset METRICS_TOKEN && exec \/bin\/prometheus --config\.file=\/etc\/prometheus\/prometheus\.yml/);
    });
  });
});
