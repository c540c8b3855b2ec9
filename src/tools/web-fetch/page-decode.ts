// Bytes of a fetched page to text, and the clean-up every text gets. Cheap, with no parsing
// library, so the main thread reads plain text and JSON itself (HTML goes to page-text.ts).
import type { FetchedPage } from './page-fetcher.service';

export interface PageText {
  title?: string;
  text: string;
}

/** The body as text: the declared charset, else (HTML) the page's own meta charset, else UTF-8. */
export function decodeBody(page: FetchedPage): string {
  const charset = page.charset ?? (page.mediaType === 'text/html' ? sniffCharset(page.body) : undefined);
  return decode(page.body, charset);
}

/** Plain text and JSON, read as they are (no parsing library needed). */
export function plainText(page: FetchedPage): PageText {
  return { text: clean(decodeBody(page)) };
}

/** Unknown charset labels fall back to UTF-8. */
function decode(body: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

/** `<meta charset="…">` or its http-equiv form in the first KB, as browsers look for it. */
function sniffCharset(body: Buffer): string | undefined {
  const head = body.subarray(0, 1_024).toString('latin1');
  return /<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)/i.exec(head)?.[1]?.toLowerCase();
}

/** C0/C1 controls (tab and newline kept), bidi overrides and the BOM removed; line ends unified. */
export function clean(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[^\P{Cc}\n\t]|[\u202A-\u202E\u2066-\u2069\uFEFF]/gu, '')
    .replace(/\u00A0/g, ' ');
}
