import { EventEmitter } from 'node:events';
import type { NextFunction, Request, Response } from 'express';
import { Histogram } from 'prom-client';
import { HttpMetricsMiddleware } from '../../src/metrics/http-metrics.middleware';
import { HTTP_DURATION_BUCKETS } from '../../src/metrics/metric-names';
import { spawnApp } from '../../test/support/spawned-app';
import { BenchRow, micros, Percentiles, timeAsync } from '../measure';

/**
 * What metrics cost: the HTTP timing middleware on every request, and a full /metrics scrape
 * (served by the built app, after some traffic so the histogram has series).
 */
export async function metricsSection(): Promise<BenchRow[]> {
  const histogram = new Histogram({ name: 'bench_http_request_duration_seconds', help: 'bench', labelNames: ['route', 'method', 'status'], buckets: HTTP_DURATION_BUCKETS, registers: [] });
  const middleware = new HttpMetricsMiddleware(histogram);
  const next: NextFunction = () => undefined;
  const route = { path: '/status', methods: { get: true } };
  const middlewareStats = await timeAsync(async () => {
    const response = Object.assign(new EventEmitter(), { statusCode: 200 }) as unknown as Response;
    middleware.use({ method: 'GET', originalUrl: '/status', baseUrl: '', route } as unknown as Request, response, next);
    response.emit('finish');
  }, 200_000, 20_000);

  const app = await spawnApp({ LOG_LEVEL: 'warn' });
  let scrapeStats: Percentiles;
  let size = 0;
  try {
    for (let i = 0; i < 200; i++) await fetch(`${app.url}${['/status', '/', '/static/app.js', '/nope'][i % 4]}`).then((r) => r.arrayBuffer());
    scrapeStats = await timeAsync(async () => {
      const body = await (await fetch(`${app.url}/metrics`)).text();
      size = body.length;
    }, 500, 50);
  } finally {
    await app.stop();
  }

  return [
    {
      name: 'HTTP timing middleware per request p50 / p99',
      value: `${micros(middlewareStats.p50)} / ${micros(middlewareStats.p99)}`,
      target: 'p99 < 20 µs',
      pass: middlewareStats.p99 < 20,
    },
    {
      name: 'GET /metrics scrape p50 / p99 (loopback)',
      value: `${micros(scrapeStats.p50)} / ${micros(scrapeStats.p99)}`,
      target: 'p99 < 20 ms',
      pass: scrapeStats.p99 < 20_000,
    },
    { name: '/metrics body size', value: `${(size / 1024).toFixed(1)} KB`, target: '< 100 KB', pass: size < 100 * 1024 },
  ];
}
