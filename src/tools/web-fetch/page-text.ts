// A fetched page as text the model can read. HTML is parsed as browsers do (parse5: implied
// <html>/<body>, misnested tags repaired), read by Mozilla's Readability (the article, as Firefox's
// Reader View finds it) on a linkedom DOM — nothing is ever executed — and walked into lines;
// plain text and JSON stay as they are. Control characters are removed either way. CPU-heavy on
// large pages, and its libraries take a third of a second to load: only the worker thread of
// PageReader imports this module.
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { parse, serialize } from 'parse5';
import { clean, decodeBody, PageText } from './page-decode';
import type { FetchedPage } from './page-fetcher.service';

/** The part of linkedom's DOM the walk reads (the server has no DOM typings). */
interface DomNode {
  nodeType: number;
  nodeValue: string | null;
  childNodes: ArrayLike<DomNode>;
  tagName?: string;
  hasAttribute?(name: string): boolean;
}

/** Elements whose content is never text for a reader. */
const SKIPPED = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'IFRAME', 'OBJECT', 'EMBED', 'SVG', 'CANVAS', 'HEAD', 'SELECT', 'BUTTON', 'INPUT', 'TEXTAREA', 'VIDEO', 'AUDIO', 'MAP']);
/** Elements that start and end a line of their own. */
const BLOCKS = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'BR', 'DD', 'DETAILS', 'DIV', 'DL', 'DT', 'FIELDSET', 'FIGCAPTION', 'FIGURE', 'FOOTER', 'FORM',
  'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI', 'MAIN', 'NAV', 'OL', 'P', 'PRE', 'SECTION', 'SUMMARY', 'TABLE', 'TR', 'UL',
]);
/** Over this many elements Readability would take seconds: the plain walk reads the body instead. */
const MAX_ELEMENTS = 20_000;
/** Under this many characters Readability found no article: the whole body is read instead. */
const MIN_ARTICLE_CHARS = 200;

export function pageText(page: FetchedPage): PageText {
  const decoded = decodeBody(page);
  return page.mediaType === 'text/html' ? htmlText(decoded) : { text: clean(decoded) };
}

export function htmlText(source: string): PageText {
  // linkedom builds the tree as written; parse5 first gives it the tree a browser would build.
  const html = serialize(parse(source));
  const { document } = parseHTML(html);
  const title = clean(document.title ?? '').replace(/\s+/g, ' ').trim() || undefined;
  const bodyOf = (doc: typeof document) => (doc.body ?? doc.documentElement) as unknown as DomNode | null;
  if (document.getElementsByTagName('*').length > MAX_ELEMENTS) {
    const body = bodyOf(document);
    return { title, text: body ? walk(body) : '' };
  }
  let article: DomNode | null = null;
  try {
    article = new Readability<DomNode>(document as never, { serializer: (node) => node as DomNode }).parse()?.content ?? null;
  } catch {
    // Too odd for Readability: the plain walk below reads the body instead.
  }
  const articleText = article ? walk(article) : '';
  if (articleText.length >= MIN_ARTICLE_CHARS) return { title, text: articleText };
  // Readability has rearranged the document; read the page again, whole.
  const body = bodyOf(parseHTML(html).document);
  const bodyText = body ? walk(body) : '';
  return { title, text: bodyText.length > articleText.length ? bodyText : articleText };
}

/** Text of `root`: one line per block, list items marked, whitespace collapsed, no empty lines. */
function walk(root: DomNode): string {
  const out: string[] = [];
  const visit = (node: DomNode) => {
    if (node.nodeType === 3) {
      out.push((node.nodeValue ?? '').replace(/\s+/g, ' '));
      return;
    }
    if (node.nodeType !== 1) return;
    const tag = (node.tagName ?? '').toUpperCase();
    if (SKIPPED.has(tag) || node.hasAttribute?.('hidden')) return;
    const block = BLOCKS.has(tag);
    if (block) out.push('\n');
    if (tag === 'LI') out.push('- ');
    for (const child of Array.from(node.childNodes)) visit(child);
    if (block) out.push('\n');
    else if (tag === 'TD' || tag === 'TH') out.push(' ');
  };
  visit(root);
  return clean(out.join(''))
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}
