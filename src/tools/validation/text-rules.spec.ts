import { placeNameProblem, searchQueryProblem } from './text-rules';

describe('place names', () => {
  it.each([
    "L'Aquila",
    'São Paulo',
    'Union City, NJ',
    'Saint-Étienne',
    "Xi'an",
    '東京',
    "O'Hare",
    'Nuku’alofa',
    'St. Louis',
    'Washington D.C.',
    'Paris 75001',
    '10001',
    'Delete',
    'Update, Texas',
    'Trinidad & Tobago',
    'Biel/Bienne',
    'Hawaiʻi',
    'Москва',
    'القاهرة',
    'मुंबई',
    '서울',
    'Kraków (Poland)',
    '48.8566, 2.3522',
    'Bolzano – Bozen',
    'x',
  ])('accepts %s', (name) => {
    expect(placeNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['', 'must not be empty'],
    ['a'.repeat(101), 'at most 100'],
    ['Paris\nFrance', 'control characters'],
    ['Paris\u0000', 'control characters'],
    ['Paris\u202Eecnarf', 'control characters'],
    ['https://evil.example/', 'web address'],
    ['javascript:alert(1)', 'web address'],
    ['www.example', 'web address'],
    ['example.com', 'web address'],
    ['169.254.169.254', 'web address'],
    ['//evil', 'web address'],
    ['<script>alert(1)</script>', 'markup'],
    ['Paris &lt;b&gt;', 'markup'],
    ['<img src=x onerror=alert(1)>', 'markup'],
    ['Paris; DROP TABLE', "may only contain"],
    ['$(reboot)', 'may only contain'],
    ['...', 'letters or digits'],
  ])('rejects %j (%s)', (name, reason) => {
    expect(placeNameProblem(name)).toContain(reason);
  });

  it('counts characters, not UTF-16 units: 100 CJK or emoji-free astral letters pass', () => {
    expect(placeNameProblem('東'.repeat(100))).toBeUndefined();
    expect(placeNameProblem('𠀋'.repeat(100))).toBeUndefined();
    expect(placeNameProblem('𠀋'.repeat(101))).toContain('at most 100');
  });

  it('rejects what is not text', () => {
    for (const value of [42, null, undefined, {}, ['Paris'], true]) expect(placeNameProblem(value)).toBeDefined();
  });
});

describe('search queries', () => {
  it.each(['price of AT&T stock', 'what is $5 in euros', 'rock & roll hall of fame', 'C# tutorial', "L'Aquila earthquake", '<div> vs <span>', 'select * from users', 'x'.repeat(300)])(
    'accepts %s',
    (query) => {
      expect(searchQueryProblem(query)).toBeUndefined();
    },
  );

  it.each([
    ['', 'must not be empty'],
    ['x'.repeat(301), 'at most 300'],
    ['weather\r\nX-Injected: 1', 'control characters'],
    ['tab\there', 'control characters'],
    ['?!', 'letters or digits'],
  ])('rejects %j (%s)', (query, reason) => {
    expect(searchQueryProblem(query)).toContain(reason);
  });
});
