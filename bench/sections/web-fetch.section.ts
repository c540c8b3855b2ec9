import { Logger } from '@nestjs/common';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { TOOL_CATALOG, ToolCatalog } from '../../src/common/session-ports';
import { FakeSite, page } from '../../test/fakes/web/fake-site.server';
import { startTestApp } from '../../test/support/test-app';
import { toolContext } from '../../test/tools/tool-kit';
import { PUBLIC_SITE_ADDRESS, TableResolver, webFetchOverrides } from '../../test/tools/web-fetch-kit';
import { BenchRow, micros, Percentiles, timeAsync } from '../measure';

// web_fetch's own cost, through the real app's tool catalog (registry, limiter, URL policy,
// classifier, pinned connection, body cap, text extraction in the worker pool). The name table
// answers at once and the site is on loopback, so what is left is the server's work: the time a
// real page takes on the internet comes on top. Also measured: how long the event loop every
// conversation shares is held while a large page is parsed.

const ARTICLE = `<!doctype html><html><head><title>Duck facts</title><script>track()</script></head><body>
<nav>${'<a href="/x">Menu</a> '.repeat(40)}</nav><article><h1>Duck facts</h1>
${'<p>Ducks are water birds of the family Anatidae. They swim, dive, dabble and quack, and live on every continent but Antarctica. </p>\n'.repeat(600)}
</article><footer>© The Pond</footer></body></html>`;
const LARGE = `<html><body>${'<div><p>para text here with <a href="#">link</a> and more words</p></div>'.repeat(14_000)}</body></html>`;

const row = (name: string, stats: Percentiles, targetMicros?: number): BenchRow => ({
  name,
  value: `${micros(stats.p50)} / ${micros(stats.p99)}`,
  target: targetMicros === undefined ? undefined : `p99 < ${micros(targetMicros)}`,
  pass: targetMicros === undefined ? undefined : stats.p99 < targetMicros,
});

export async function webFetchSection(): Promise<BenchRow[]> {
  Logger.overrideLogger(false);
  const site = await FakeSite.start(PUBLIC_SITE_ADDRESS);
  site.route('/plain', page('text/plain', 'Opening hours: 9 to 5, every day.')).route('/article', page('text/html', ARTICLE)).route('/large', page('text/html', LARGE));
  const resolver = new TableResolver().set('site.example', [PUBLIC_SITE_ADDRESS]).set('inside.example', ['10.0.0.1']);
  const app = await startTestApp(
    { REDIS_URL: undefined, RATE_LIMIT_WEB_FETCH: '100000000/minute', WEB_FETCH_ALLOWED_PORTS: String(site.port), LOG_LEVEL: 'error' },
    webFetchOverrides(resolver),
  );
  const catalog = app.app.get<ToolCatalog>(TOOL_CATALOG);
  const context = toolContext();
  const run = (url: string) => catalog.run('web_fetch', JSON.stringify({ url }), context);
  try {
    // For scale, same run: what the registry alone costs (arguments parsed and refused).
    const invalid = await timeAsync(() => catalog.run('web_fetch', '{"url":""}', context), 20_000, 2_000);
    const refusedLiteral = await timeAsync(() => run('http://[::ffff:169.254.169.254]/latest/meta-data/'), 20_000, 2_000);
    const refusedName = await timeAsync(() => run(`http://inside.example:${site.port}/`), 20_000, 2_000);
    const plain = await timeAsync(() => run(`http://site.example:${site.port}/plain`), 2_000, 200);
    const article = await timeAsync(() => run(`http://site.example:${site.port}/article`), 300, 30);

    // A 1 MB page of 14,000 paragraphs parsed while the loop is watched; then the loop watched
    // as long again with nothing to do, for the stalls this busy machine causes by itself.
    await run(`http://site.example:${site.port}/large`);
    const during = monitorEventLoopDelay({ resolution: 5 });
    during.enable();
    const started = process.hrtime.bigint();
    const outcome = await run(`http://site.example:${site.port}/large`);
    const largeMs = Number(process.hrtime.bigint() - started) / 1e6;
    during.disable();
    const idle = monitorEventLoopDelay({ resolution: 5 });
    idle.enable();
    await new Promise((resolve) => setTimeout(resolve, largeMs));
    idle.disable();
    const stallMs = during.max / 1e6;
    const idleMs = idle.max / 1e6;

    return [
      row('for scale: web_fetch arguments refused by the registry (parse + validate) p50 / p99', invalid),
      row('web_fetch refusal of a private literal (parse + classify, no I/O) p50 / p99', refusedLiteral, 500),
      row('web_fetch refusal of a name resolving private (lookup + classify, no connection) p50 / p99', refusedName, 500),
      row('web_fetch overhead, plain-text page on loopback (check, pin, connect, read) p50 / p99', plain, 5_000),
      row('web_fetch overhead, 80 KB HTML article (… + Readability in the worker) p50 / p99', article),
      { name: `web_fetch of a 1 MB / 14,000-paragraph page (${JSON.parse(outcome.output).error ?? 'read'}): time`, value: `${largeMs.toFixed(0)} ms` },
      { name: 'event loop: longest stall while that page was parsed / idle for as long', value: `${stallMs.toFixed(1)} ms / ${idleMs.toFixed(1)} ms`, target: '< idle + 50 ms', pass: stallMs < idleMs + 50 },
    ];
  } finally {
    await app.close();
    await site.stop();
  }
}
