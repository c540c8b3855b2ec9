import { FetchRefusal } from './fetch-refusal';
import type { FetchedPage } from './page-fetcher.service';
import { PageReader } from './page-reader.service';
import { DEFAULT_WEB_FETCH_LIMITS, WebFetchLimits } from './web-fetch-limits';

const html = (body: string): FetchedPage => ({ url: 'https://example.com/', mediaType: 'text/html', body: Buffer.from(body), truncated: false });

describe('PageReader (HTML in worker threads)', () => {
  const limits: WebFetchLimits = { ...DEFAULT_WEB_FETCH_LIMITS, extractTimeoutMs: 20_000 };
  const reader = new PageReader(limits);
  afterAll(() => reader.onModuleDestroy());

  it('reads HTML in a worker and plain text in place', async () => {
    expect(await reader.read(html('<title>Hi</title><p>Hello <script>x()</script>duck</p>'))).toEqual({ title: 'Hi', text: 'Hello duck' });
    expect(await reader.read({ ...html('plain\u0007 words'), mediaType: 'text/plain' })).toEqual({ text: 'plain words' });
  });

  it('reads pages in parallel, at most two at once, each answer to its own page', async () => {
    const pages = Array.from({ length: 5 }, (_, i) => reader.read(html(`<title>Page ${i}</title><p>Body ${i}</p>`)));
    expect(await Promise.all(pages)).toEqual(Array.from({ length: 5 }, (_, i) => ({ title: `Page ${i}`, text: `Body ${i}` })));
  });

  it('drops a page that takes too long together with its worker, and reads the next one with a new worker', async () => {
    limits.extractTimeoutMs = 1;
    const big = html(`<title>Big</title>${'<div><p>row <b>text</b></p></div>'.repeat(20_000)}`);
    const refused = await reader.read(big).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(FetchRefusal);
    expect(refused).toMatchObject({ reason: 'unreadable', outcome: 'upstream_error', message: 'That page is too large or too complex for me to read.' });
    limits.extractTimeoutMs = 20_000;
    expect(await reader.read(html('<p>after</p>'))).toEqual({ text: 'after' });
  });
});
