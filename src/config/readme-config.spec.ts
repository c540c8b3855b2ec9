import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KNOWN_VARIABLES } from './environment';

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const example = readFileSync(join(root, '.env.example'), 'utf8');

/** `| \`NAME\` | default | meaning |` rows of the README's Configuration section. */
function configurationRows(): Map<string, { defaultValue: string; meaning: string }> {
  const section = readme.split(/^## Configuration$/m)[1]?.split(/^## /m)[0] ?? '';
  const rows = new Map<string, { defaultValue: string; meaning: string }>();
  for (const line of section.split('\n')) {
    const match = /^\| `([A-Z0-9_]+)` \| (.*?) \| (.*) \|$/.exec(line);
    if (match) rows.set(match[1], { defaultValue: match[2], meaning: match[3] });
  }
  return rows;
}

/** The value each variable has in .env.example, which is its default. */
function exampleDefaults(): Map<string, string> {
  const defaults = new Map<string, string>();
  for (const line of example.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match) defaults.set(match[1], match[2]);
  }
  return defaults;
}

describe('README configuration table', () => {
  const rows = configurationRows();

  it('has one row for every variable the service reads, and none for a variable it does not', () => {
    expect([...KNOWN_VARIABLES].filter((name) => !rows.has(name))).toEqual([]);
    expect([...rows.keys()].filter((name) => !KNOWN_VARIABLES.has(name))).toEqual([]);
  });

  it('gives each the default .env.example gives it ("—" for unset) and a meaning', () => {
    const defaults = exampleDefaults();
    for (const [name, row] of rows) {
      const expected = defaults.get(name) === '' ? '—' : defaults.get(name);
      expect({ name, default: row.defaultValue.replace(/`/g, '') }).toEqual({ name, default: expected });
      expect({ name, meaning: row.meaning.trim().length > 3 }).toEqual({ name, meaning: true });
    }
  });
});
