import { imperialCodeOfCountryName, unitsFor } from './units';

describe('units follow the place', () => {
  it.each(['US', 'PR', 'GU', 'VI', 'AS', 'MP', 'LR', 'MM', 'us'])('%s uses Fahrenheit, mph and inches', (code) => {
    expect(unitsFor(code)).toEqual({ system: 'imperial', temperature: '°F', windSpeed: 'mph', precipitation: 'in' });
  });

  it.each(['FR', 'GB', 'CA', 'JP', 'BR', undefined])('%s uses Celsius, km/h and millimetres', (code) => {
    expect(unitsFor(code)).toEqual({ system: 'metric', temperature: '°C', windSpeed: 'km/h', precipitation: 'mm' });
  });

  it('knows weatherapi.com country names of the imperial places', () => {
    expect(imperialCodeOfCountryName('United States of America')).toBe('US');
    expect(imperialCodeOfCountryName('Puerto Rico')).toBe('PR');
    expect(imperialCodeOfCountryName('Liberia')).toBe('LR');
    expect(imperialCodeOfCountryName('Myanmar')).toBe('MM');
    expect(imperialCodeOfCountryName('France')).toBeUndefined();
  });
});
