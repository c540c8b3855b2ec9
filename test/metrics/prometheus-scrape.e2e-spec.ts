import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/ports';
import { scrape, seriesNamesOf } from './exposition';
import { allExpressions, metricNamesIn, readDashboard } from './monitoring-files';
import { PrometheusServer } from './prometheus-server';

/** Series Prometheus adds itself for every target. */
const SCRAPE_SERIES = ['up'];

// Prometheus starts scraping about 5 s after it starts (its target-update tick), so both set-ups
// start together.
describe('a real Prometheus with monitoring/ scraping the app', () => {
  const token = `scrape-${randomUUID()}`;
  let app: TestApp;
  let prometheus: PrometheusServer;
  let openApp: TestApp;
  let openPrometheus: PrometheusServer;

  beforeAll(async () => {
    app = await startTestApp({ METRICS_TOKEN: token, ENABLE_METRICS: 'true', REDIS_URL: undefined });
    openApp = await startTestApp({ METRICS_TOKEN: undefined, ENABLE_METRICS: 'true', REDIS_URL: undefined });
    for (const path of ['/status', '/', '/static/app.js', '/no-such-page']) await fetch(`${app.url}${path}`);
    [prometheus, openPrometheus] = await Promise.all([PrometheusServer.start(app.port, token), PrometheusServer.start(openApp.port, undefined)]);
    // Two scrapes, so rate() has points to work with.
    await waitFor(async () => ((await prometheus.value('count_over_time(up{job="duck-e"}[1m])')) ?? 0) >= 2, 20_000, 100);
  });
  afterAll(async () => {
    await Promise.all([prometheus?.stop(), openPrometheus?.stop()]);
    await Promise.all([app?.close(), openApp?.close()]);
  });

  describe('with METRICS_TOKEN', () => {
    it('scrapes /metrics with the bearer token the compose entrypoint wrote', async () => {
      expect(await prometheus.value('up{job="duck-e"}')).toBe(1);
      expect(await prometheus.value('ducke_storage_up{job="duck-e"}')).toBe(1);
      const tokenFile = join(prometheus.configDir, 'secrets', 'metrics_token');
      expect(readFileSync(tokenFile, 'utf8')).toBe(token);
      expect(statSync(tokenFile).mode & 0o077).toBe(0);
    });

    it('loads every alert rule and evaluates it without error, none firing on a healthy app', async () => {
      type Rule = { name: string; health: string; lastError?: string; state: string };
      const rules = await waitFor(async () => {
        const data = await prometheus.api<{ groups: Array<{ rules: Rule[] }> }>('/api/v1/rules');
        const all = data.groups.flatMap((group) => group.rules);
        return all.length > 0 && all.every((rule) => rule.health !== 'unknown') ? all : undefined;
      }, 10_000);
      expect(rules).toHaveLength(11);
      for (const rule of rules) expect({ rule: rule.name, health: rule.health, error: rule.lastError ?? '' }).toEqual({ rule: rule.name, health: 'ok', error: '' });
      expect(rules.filter((rule) => rule.state !== 'inactive').map((rule) => rule.name)).toEqual([]);
    });

    it('parses every PromQL expression of the dashboard and the alert rules', async () => {
      const expressions = allExpressions();
      expect(expressions.length).toBeGreaterThan(30);
      for (const { where, expr } of expressions) {
        const result = await prometheus.query(expr);
        expect({ where, status: result.status, error: result.error }).toEqual({ where, status: 'success', error: undefined });
      }
    });

    it('references only metrics the app exports, in every dashboard panel and alert rule (no dead panels)', async () => {
      const exported = new Set<string>(SCRAPE_SERIES);
      for (const family of (await scrape(app.url, token)).values()) for (const name of seriesNamesOf(family)) exported.add(name);
      const dead = allExpressions().flatMap(({ where, expr }) => metricNamesIn(expr).filter((name) => !exported.has(name)).map((name) => `${where}: ${name}`));
      expect(dead).toEqual([]);
    });

    it("answers the dashboard's instance variable with the scraped app", async () => {
      const variable = readDashboard().templating.list.find((item) => item.name === 'instance')!;
      const match = /^label_values\((\w+), (\w+)\)$/.exec(typeof variable.query === 'string' ? variable.query : variable.query.query);
      expect(match).not.toBeNull();
      const values = await prometheus.api<string[]>(`/api/v1/label/${match![2]}/values?${new URLSearchParams({ 'match[]': match![1] })}`);
      expect(values).toEqual([`127.0.0.1:${app.port}`]);
    });

    it('draws every panel query whose metrics the app has already written', async () => {
      const written = new Set<string>(SCRAPE_SERIES);
      for (const family of (await scrape(app.url, token)).values()) for (const sample of family.samples) written.add(sample.name);
      // Alert expressions are conditions, empty while all is well; panels must always draw.
      const panelQueries = allExpressions().filter(({ where }) => where.startsWith('panel'));
      let drawn = 0;
      for (const { where, expr } of panelQueries) {
        if (!metricNamesIn(expr).every((name) => written.has(name))) continue;
        drawn++;
        const result = await prometheus.query(expr);
        expect({ where, series: (result.data?.result.length ?? 0) > 0 }).toEqual({ where, series: true });
      }
      expect(drawn).toBeGreaterThan(10);
    });
  });

  describe('without METRICS_TOKEN (the default)', () => {
    it('scrapes the app with the empty token file the entrypoint writes', async () => {
      expect(readFileSync(join(openPrometheus.configDir, 'secrets', 'metrics_token'), 'utf8')).toBe('');
      await waitFor(async () => (await openPrometheus.value('up{job="duck-e"}')) === 1, 10_000, 100);
    });
  });
});
