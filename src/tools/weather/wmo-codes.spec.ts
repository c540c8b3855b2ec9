import { compassDirection, wmoConditions } from './wmo-codes';

describe('WMO weather codes and wind directions', () => {
  it('puts codes into words', () => {
    expect(wmoConditions(0)).toBe('Clear sky');
    expect(wmoConditions(2)).toBe('Partly cloudy');
    expect(wmoConditions(63)).toBe('Moderate rain');
    expect(wmoConditions(95)).toBe('Thunderstorm');
    expect(wmoConditions(42)).toBe('Unknown conditions');
    expect(wmoConditions(undefined)).toBe('Unknown conditions');
  });

  it('turns degrees into a compass point', () => {
    expect(compassDirection(0)).toBe('N');
    expect(compassDirection(225)).toBe('SW');
    expect(compassDirection(350)).toBe('N');
    expect(compassDirection(-90)).toBe('W');
    expect(compassDirection(undefined)).toBeUndefined();
  });
});
