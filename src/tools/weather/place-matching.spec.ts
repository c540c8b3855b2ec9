import { choosePlace, parsePlaceQuery, PlaceCandidate } from './place-matching';

const paris: PlaceCandidate = { name: 'Paris', country: 'France', country_code: 'FR', admin1: 'Île-de-France', population: 2_138_551 };
const parisTx: PlaceCandidate = { name: 'Paris', country: 'United States', country_code: 'US', admin1: 'Texas', population: 24_782 };
const parisTn: PlaceCandidate = { name: 'Paris', country: 'United States', country_code: 'US', admin1: 'Tennessee', population: 10_156 };
const springfieldMo: PlaceCandidate = { name: 'Springfield', country: 'United States', country_code: 'US', admin1: 'Missouri', population: 169_176 };
const springfieldMa: PlaceCandidate = { name: 'Springfield', country: 'United States', country_code: 'US', admin1: 'Massachusetts', population: 155_929 };
const springfieldIl: PlaceCandidate = { name: 'Springfield', country: 'United States', country_code: 'US', admin1: 'Illinois', population: 114_394 };
const unionCityNj: PlaceCandidate = { name: 'Union City', country: 'United States', country_code: 'US', admin1: 'New Jersey', population: 68_589 };
const unionCityCa: PlaceCandidate = { name: 'Union City', country: 'United States', country_code: 'US', admin1: 'California', population: 74_916 };

describe('choosing a place without guessing', () => {
  it('splits the name from its qualifiers', () => {
    expect(parsePlaceQuery('Union City, NJ')).toEqual({ name: 'Union City', qualifiers: ['NJ'] });
    expect(parsePlaceQuery('  New   York ,NY, USA ')).toEqual({ name: 'New York', qualifiers: ['NY', 'USA'] });
    expect(parsePlaceQuery('., Paris')).toEqual({ name: 'Paris', qualifiers: [] });
  });

  it('takes a place much bigger than every namesake (Paris → France)', () => {
    expect(choosePlace(parsePlaceQuery('Paris'), [paris, parisTx, parisTn])).toEqual({ kind: 'found', place: paris });
  });

  it('says "ambiguous" with the candidates when namesakes are of similar size (Springfield)', () => {
    const choice = choosePlace(parsePlaceQuery('Springfield'), [springfieldIl, springfieldMo, springfieldMa]);
    expect(choice).toEqual({ kind: 'ambiguous', candidates: [springfieldMo, springfieldMa, springfieldIl] });
  });

  it('narrows by state name, postal abbreviation or country', () => {
    expect(choosePlace(parsePlaceQuery('Paris, Texas'), [paris, parisTx, parisTn])).toEqual({ kind: 'found', place: parisTx });
    expect(choosePlace(parsePlaceQuery('Union City, NJ'), [unionCityCa, unionCityNj])).toEqual({ kind: 'found', place: unionCityNj });
    expect(choosePlace(parsePlaceQuery('Paris, USA'), [paris, parisTx, parisTn])).toEqual({ kind: 'ambiguous', candidates: [parisTx, parisTn] });
    expect(choosePlace(parsePlaceQuery('paris, île-de-france'), [paris, parisTx])).toEqual({ kind: 'found', place: paris });
  });

  it('finds nothing when no candidate fits the qualifier, or there are no candidates', () => {
    expect(choosePlace(parsePlaceQuery('Paris, Ohio'), [paris, parisTx, parisTn])).toEqual({ kind: 'not_found' });
    expect(choosePlace(parsePlaceQuery('Xyzzyville'), [])).toEqual({ kind: 'not_found' });
  });

  it('accepts a translated match when nothing is named exactly as asked (東京 → Tokyo)', () => {
    const tokyo = { name: 'Tokyo', country: 'Japan', country_code: 'JP', admin1: 'Tokyo', population: 9_733_276 };
    expect(choosePlace(parsePlaceQuery('東京'), [tokyo])).toEqual({ kind: 'found', place: tokyo });
  });

  it('treats places without population figures as ambiguous rather than picking one', () => {
    const a = { name: 'Neustadt', country: 'Germany', country_code: 'DE', admin1: 'Hesse' };
    const b = { name: 'Neustadt', country: 'Germany', country_code: 'DE', admin1: 'Saxony' };
    expect(choosePlace(parsePlaceQuery('Neustadt'), [a, b]).kind).toBe('ambiguous');
  });
});
