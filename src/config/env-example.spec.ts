import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPOSE_VARIABLES, KNOWN_VARIABLES, validateEnvironment } from './environment';

const example = readFileSync(join(__dirname, '..', '..', '.env.example'), 'utf8');
const lines = example.split('\n');

describe('.env.example', () => {
  it('lists every variable the service reads, each under a one-line comment', () => {
    for (const name of KNOWN_VARIABLES) {
      const index = lines.findIndex((line) => line.startsWith(`${name}=`));
      expect({ name, listed: index >= 0 }).toEqual({ name, listed: true });
      expect({ name, comment: lines[index - 1].startsWith('#') || lines[index - 2]?.startsWith('#') }).toEqual({ name, comment: true });
    }
  });

  it('lists nothing the service does not read', () => {
    const listed = lines.filter((line) => /^[A-Z_]+=/.test(line)).map((line) => line.split('=')[0]);
    expect(listed.filter((name) => !KNOWN_VARIABLES.has(name))).toEqual([]);
  });

  it('shows the variables only docker compose reads commented out, and start-up does not warn about them', () => {
    const commented = lines.filter((line) => /^# [A-Z_]+=/.test(line)).map((line) => line.slice(2).split('=')[0]);
    expect(commented.length).toBeGreaterThan(0);
    expect(commented.filter((name) => !COMPOSE_VARIABLES.test(name))).toEqual([]);
  });

  it('is itself a valid configuration', () => {
    const env = Object.fromEntries(lines.filter((line) => /^[A-Z_]+=/.test(line)).map((line) => line.split(/=(.*)/s).slice(0, 2)));
    expect(() => validateEnvironment(env)).not.toThrow();
  });
});
