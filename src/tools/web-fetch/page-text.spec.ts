import type { FetchedPage } from './page-fetcher.service';
import { htmlText, pageText } from './page-text';

const page = (body: string | Buffer, mediaType: FetchedPage['mediaType'] = 'text/html', charset?: string): FetchedPage => ({
  url: 'https://example.com/',
  mediaType,
  charset,
  body: typeof body === 'string' ? Buffer.from(body) : body,
  truncated: false,
});

const ARTICLE = `<!doctype html><html><head><title>Duck facts | The Pond</title><script>window.secret = "SCRIPT-IN-HEAD"</script>
<style>.x { color: red }</style></head><body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article><h1>Duck facts</h1>
<p>Ducks are water birds. ${'They swim, they dive and they quack. '.repeat(12)}</p>
<script>document.write("SCRIPT-IN-BODY")</script>
<p>Mallards <b>live</b> almost everywhere, and <a href="https://example.org">this link</a> is text.</p>
<ul><li>Feathers</li><li>Webbed feet</li></ul>
<img src=x onerror="alert('ONERROR')"><noscript>NOSCRIPT-TEXT</noscript>
</article><footer>© The Pond</footer></body></html>`;

describe('page text', () => {
  it('reads the article as lines of text: no markup, no script or style, nothing executed', () => {
    const { title, text } = htmlText(ARTICLE);
    expect(title).toBe('Duck facts | The Pond');
    expect(text).toContain('Ducks are water birds.');
    expect(text).toContain('Mallards live almost everywhere, and this link is text.');
    expect(text).toContain('- Feathers\n- Webbed feet');
    for (const hidden of ['SCRIPT-IN-HEAD', 'SCRIPT-IN-BODY', 'ONERROR', 'NOSCRIPT-TEXT', 'color: red', '<', '>']) expect(text).not.toContain(hidden);
  });

  it('falls back to the whole body when there is no article', () => {
    const { title, text } = htmlText('<html><head><title> Short </title></head><body><div>Opening hours: 9 to 5.</div><script>x()</script><div hidden>secret</div></body></html>');
    expect(title).toBe('Short');
    expect(text).toBe('Opening hours: 9 to 5.');
  });

  it('builds the tree a browser would: implied head and body, misnested tags repaired', () => {
    expect(htmlText('<title>t</title><p>hello <script>x</script>world')).toEqual({ title: 't', text: 'hello world' });
    expect(htmlText('<table><p>mis<b>nested</p></b>').text).toBe('misnested');
    expect(htmlText('just text').text).toBe('just text');
  });

  it('reads a page too large for article extraction as its whole body, still without scripts', () => {
    const html = `<title>Big</title><script>SCRIPT()</script>${'<div><p>row <b>text</b></p></div>'.repeat(7_000)}`;
    const { title, text } = htmlText(html);
    expect(title).toBe('Big');
    expect(text.split('\n')).toHaveLength(7_000);
    expect(text.startsWith('row text\nrow text')).toBe(true);
    expect(text).not.toContain('SCRIPT');
  });

  it('passes plain text and JSON through, without control characters', () => {
    expect(pageText(page('line one\r\nline\u0000 two\u202E', 'text/plain')).text).toBe('line one\nline two');
    expect(pageText(page('{"duck":"quack"}', 'application/json')).text).toBe('{"duck":"quack"}');
  });

  it('decodes the declared charset, or the one the page declares itself', () => {
    const latin1 = Buffer.from('<html><head><meta charset="iso-8859-1"><title>Caf\xe9</title></head><body><p>Cr\xe8me br\xfbl\xe9e</p></body></html>', 'latin1');
    expect(pageText(page(latin1))).toEqual({ title: 'Café', text: 'Crème brûlée' });
    expect(pageText(page(Buffer.from('caf\xe9', 'latin1'), 'text/plain', 'windows-1252')).text).toBe('café');
    expect(pageText(page('plain', 'text/plain', 'no-such-charset')).text).toBe('plain');
  });
});
