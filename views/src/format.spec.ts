import { formatBudget, formatClock, formatDuration, formatUsd } from './format';

describe('format', () => {
  it('writes money', () => {
    expect(formatUsd(0.01234)).toBe('$0.012');
    expect(formatUsd(4.987)).toBe('$4.99');
    expect(formatUsd(-1)).toBe('$0.000');
    expect(formatBudget(5)).toBe('$5');
    expect(formatBudget(0.05)).toBe('$0.05');
  });
  it('writes countdowns and durations', () => {
    expect(formatClock(42)).toBe('0:42');
    expect(formatClock(41.2)).toBe('0:42');
    expect(formatClock(1800)).toBe('30:00');
    expect(formatClock(3661)).toBe('1:01:01');
    expect(formatDuration(1800)).toBe('30 minutes');
    expect(formatDuration(90)).toBe('1 minute 30 seconds');
  });
});
