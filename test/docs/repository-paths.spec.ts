import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

// A clone holds everything it refers to: no link or citation may point outside the repository.

const root = resolve(__dirname, '..', '..');
const skipped = new Set(['.git', 'node_modules', 'dist', 'coverage', 'test-artifacts']);
const binary = /\.(png|jpe?g|gif|ico|webp|woff2?|pem|der|p12|wasm)$/i;

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skipped.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile() && !binary.test(entry.name) && statSync(path).size < 2_000_000) yield path;
  }
}

const texts = [...files(root)]
  .filter((path) => !/views[\\/]static[\\/]app\.js(\.map)?$/.test(path))
  .map((path) => ({ path: relative(root, path), text: readFileSync(path, 'utf8') }));

// Spelled in pieces so this file does not match itself.
const outside = [
  ['..', '/shared/'].join(''),
  ['shared', '/spec/'].join(''),
  ['shared', '/reference/'].join(''),
  ['/work', '/'].join(''),
  ['contract', ' §'].join(''),
  ['contract', '.md'].join(''),
  ['openai-realtime', '.md'].join(''),
  ['original-duck-e', '.md'].join(''),
  ['reliability-security', '.md'].join(''),
];

/** The anchors GitHub gives a Markdown file's headings (lower case, punctuation dropped, spaces as hyphens). */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const fenced = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const [, heading] of fenced.matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
    let anchor = slug;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${slug}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

describe('the repository refers to nothing outside itself', () => {
  it('reads a plausible set of files', () => {
    expect(texts.some((file) => file.path === 'README.md')).toBe(true);
    expect(texts.some((file) => file.path.startsWith(`src${sep}`))).toBe(true);
  });

  it('cites no document or path that only exists outside the clone', () => {
    const hits = texts.flatMap(({ path, text }) =>
      text.split('\n').flatMap((line, index) =>
        outside.filter((needle) => line.toLowerCase().includes(needle)).map((needle) => `${path}:${index + 1}: ${needle}`),
      ),
    );
    expect(hits).toEqual([]);
  });

  it('has every relative Markdown link land on a file inside the repository, and on a heading there', () => {
    const broken: string[] = [];
    for (const { path, text } of texts.filter((file) => file.path.endsWith('.md'))) {
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
        const [filePart, anchor] = target.split('#');
        const file = filePart ? resolve(root, dirname(path), decodeURIComponent(filePart)) : join(root, path);
        const inside = file === root || file.startsWith(root + sep);
        if (!inside || !existsSync(file)) broken.push(`${path}: ${target}`);
        else if (anchor !== undefined && file.endsWith('.md') && !anchorsOf(readFileSync(file, 'utf8')).has(anchor)) broken.push(`${path}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });
});
