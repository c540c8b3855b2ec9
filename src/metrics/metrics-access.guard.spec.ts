import { ExecutionContext, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { bearerTokenOf, MetricsAccessGuard, tokensMatch } from './metrics-access.guard';

function contextFor(authorization?: string) {
  const headers: Record<string, string> = {};
  const response = { setHeader: (name: string, value: string) => (headers[name] = value) };
  const request = { method: 'GET', path: '/metrics', headers: authorization === undefined ? {} : { authorization } };
  const context = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }) } as unknown as ExecutionContext;
  return { context, headers };
}

describe('bearerTokenOf', () => {
  it('reads the token of a Bearer header, whatever the scheme case', () => {
    expect(bearerTokenOf('Bearer s3cret')).toBe('s3cret');
    expect(bearerTokenOf('bearer s3cret')).toBe('s3cret');
  });

  it('finds nothing in other schemes, empty or malformed headers', () => {
    expect(bearerTokenOf(undefined)).toBeUndefined();
    expect(bearerTokenOf('')).toBeUndefined();
    expect(bearerTokenOf('Basic czNjcmV0')).toBeUndefined();
    expect(bearerTokenOf('Bearer')).toBeUndefined();
    expect(bearerTokenOf('Bearer a b')).toBeUndefined();
  });
});

describe('tokensMatch', () => {
  it('is true only for the identical token, for any lengths', () => {
    expect(tokensMatch('s3cret', 's3cret')).toBe(true);
    expect(tokensMatch('s3creT', 's3cret')).toBe(false);
    expect(tokensMatch('s3cret-and-more', 's3cret')).toBe(false);
    expect(tokensMatch('', 's3cret')).toBe(false);
  });
});

describe('MetricsAccessGuard', () => {
  it('lets every scrape through when metrics are on and no token is set', () => {
    const guard = new MetricsAccessGuard({ enabled: true, token: undefined });
    expect(guard.canActivate(contextFor().context)).toBe(true);
  });

  it('answers 404 like a missing route when metrics are off, token or not', () => {
    const guard = new MetricsAccessGuard({ enabled: false, token: 's3cret' });
    expect(() => guard.canActivate(contextFor('Bearer s3cret').context)).toThrow(new NotFoundException('Cannot GET /metrics'));
  });

  it('requires the bearer token when one is set, and names the scheme on refusal', () => {
    const guard = new MetricsAccessGuard({ enabled: true, token: 's3cret' });
    expect(guard.canActivate(contextFor('Bearer s3cret').context)).toBe(true);
    for (const header of [undefined, 'Bearer wrong', 'Basic s3cret', 's3cret']) {
      const { context, headers } = contextFor(header);
      expect(() => guard.canActivate(context)).toThrow(UnauthorizedException);
      expect(headers['WWW-Authenticate']).toBe('Bearer realm="metrics"');
    }
  });
});
