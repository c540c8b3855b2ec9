import { shutdownLine } from './shutdown-report';

describe('shutdown line', () => {
  it('says why, how many conversations ended and how long it took', () => {
    expect(shutdownLine({ signal: 'SIGTERM', conversations: 3, elapsedMs: 1_734, exitCode: 0 })).toBe('DUCK-E stopped on SIGTERM: 3 conversations ended in 1.7 s (exit 0)');
    expect(shutdownLine({ signal: 'SIGINT', conversations: 1, elapsedMs: 40, exitCode: 0 })).toBe('DUCK-E stopped on SIGINT: 1 conversation ended in 0.0 s (exit 0)');
  });

  it('says when the deadline cut the shutdown short', () => {
    expect(shutdownLine({ signal: 'SIGTERM', conversations: 100, elapsedMs: 10_000, exitCode: 1 })).toMatch(/100 conversations ended in 10\.0 s \(exit 1: the shutdown deadline cut it short\)/);
  });
});
