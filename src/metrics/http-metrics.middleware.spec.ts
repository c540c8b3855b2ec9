import type { Request } from 'express';
import { methodLabelOf, routeLabelOf, STATIC_ROUTE, UNMATCHED_ROUTE } from './http-metrics.middleware';

const requestWith = (originalUrl: string, route?: { path: unknown; methods: Record<string, boolean> }, baseUrl = '') =>
  ({ originalUrl, baseUrl, route }) as unknown as Request;

describe('routeLabelOf', () => {
  it('is the pattern of the route that handled the request, never the raw path', () => {
    expect(routeLabelOf(requestWith('/status?probe=1', { path: '/status', methods: { get: true } }))).toBe('/status');
    expect(routeLabelOf(requestWith('/admin/tokens/revoke', { path: '/tokens/revoke', methods: { post: true } }, '/admin'))).toBe('/admin/tokens/revoke');
    expect(routeLabelOf(requestWith('/', { path: '/', methods: { get: true } }))).toBe('/');
  });

  it('does not take a route-wide middleware mount for a handler', () => {
    const middlewareRoute = { path: '{/*splat}', methods: { _all: true } };
    expect(routeLabelOf(requestWith('/wp-login.php', middlewareRoute))).toBe(UNMATCHED_ROUTE);
    expect(routeLabelOf(requestWith('/anything', { path: '/{*rest}', methods: { get: true } }))).toBe(UNMATCHED_ROUTE);
  });

  it('labels assets and unrouted requests with fixed labels', () => {
    expect(routeLabelOf(requestWith('/static/app.js'))).toBe(STATIC_ROUTE);
    expect(routeLabelOf(requestWith('/static/missing.js', { path: '{/*splat}', methods: { _all: true } }))).toBe(STATIC_ROUTE);
    expect(routeLabelOf(requestWith('/random/path/12345'))).toBe(UNMATCHED_ROUTE);
  });
});

describe('methodLabelOf', () => {
  it('keeps the common methods and folds the rest into OTHER', () => {
    expect(['GET', 'HEAD', 'POST', 'OPTIONS'].map(methodLabelOf)).toEqual(['GET', 'HEAD', 'POST', 'OPTIONS']);
    expect(methodLabelOf('PROPFIND')).toBe('OTHER');
  });
});
