#!/usr/bin/env node
// Lists every import from one module of src/ into another (a module is a top-level folder of
// src/; files directly in src/ are the app shell) and checks them against the layers of
// docs/architecture.md: a module may import only modules on a lower floor. Exit code 1 names
// every import that points up or sideways. Specs are left out: they may reach for anything.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');
const SRC = join(ROOT, 'src');

/** Floors, lowest first. A module sees everything below its own floor. */
export const LAYERS = [
  ['common'],
  ['config'],
  ['security', 'storage'],
  ['metrics'],
  ['rate-limit', 'auth', 'cost'],
  ['logging', 'health', 'page', 'tools'],
  ['realtime'],
  ['app'],
  // npm run probe: boots AppModule from above; nothing imports it.
  ['probe'],
];

const floorOf = new Map(LAYERS.flatMap((modules, floor) => modules.map((name) => [name, floor])));

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

const moduleOf = (path) => {
  const parts = relative(SRC, path).split(sep);
  return parts.length === 1 ? 'app' : parts[0];
};

const edges = new Map();
const wrong = [];
for (const file of files(SRC)) {
  const from = moduleOf(file);
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(/(?:import|export)[^'";]*?from\s+'(\.[^']+)'/g)) {
    const target = resolve(dirname(file), match[1]);
    if (!target.startsWith(SRC)) continue;
    const to = moduleOf(target + '.ts');
    if (to === from) continue;
    const key = `${from} → ${to}`;
    edges.set(key, (edges.get(key) ?? 0) + 1);
    if (!(floorOf.get(to) < floorOf.get(from))) wrong.push(`${relative(ROOT, file)} imports ${match[1]} (${key})`);
  }
}

for (const [edge, count] of [...edges].sort(([a], [b]) => a.localeCompare(b))) console.log(`${edge}  (${count})`);
if (wrong.length) {
  console.error(`\n${wrong.length} import(s) against the layers:\n${wrong.join('\n')}`);
  process.exit(1);
}
console.log(`\n${edges.size} cross-module edges, none from a lower floor to a higher one.`);
