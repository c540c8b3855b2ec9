// The browser's Accept-Language, reduced to a few valid language tags for the instructions.
// Real tags pass (en-US, es-419, zh-Hant-TW, de); anything else is dropped, never echoed into
// the model's prompt. With nothing valid left, en-US.

const TAG = /^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8}){0,3}$/;
const MAX_HEADER_LENGTH = 512;
const MAX_TAGS = 3;
export const DEFAULT_LANGUAGE = 'en-US';

export function preferredLanguages(header: string | string[] | undefined): string[] {
  const text = (Array.isArray(header) ? header.join(',') : (header ?? '')).slice(0, MAX_HEADER_LENGTH);
  const ranked: Array<{ tag: string; q: number; index: number }> = [];
  text.split(',').forEach((part, index) => {
    const [rawTag, ...params] = part.trim().split(';');
    const tag = rawTag.trim();
    if (!TAG.test(tag)) return;
    let q = 1;
    for (const param of params) {
      const match = /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(param);
      if (match) q = Number(match[1]);
    }
    if (q > 0 && q <= 1) ranked.push({ tag, q, index });
  });
  ranked.sort((a, b) => b.q - a.q || a.index - b.index);
  const tags = [...new Set(ranked.map((entry) => entry.tag))].slice(0, MAX_TAGS);
  return tags.length ? tags : [DEFAULT_LANGUAGE];
}
