// Runs pageText() off the main thread (see PageReader): one task at a time, a reply per task.
import { parentPort } from 'node:worker_threads';
import type { FetchedPage } from './page-fetcher.service';
import { pageText } from './page-text';

export interface PageTextTask {
  id: number;
  page: Omit<FetchedPage, 'body'> & { body: Uint8Array };
}

export type PageTextReply = { id: number; title?: string; text: string } | { id: number; error: string };

parentPort?.on('message', ({ id, page }: PageTextTask) => {
  try {
    const body = Buffer.from(page.body.buffer, page.body.byteOffset, page.body.byteLength);
    parentPort?.postMessage({ id, ...pageText({ ...page, body }) } satisfies PageTextReply);
  } catch (error) {
    parentPort?.postMessage({ id, error: (error as Error)?.message ?? 'failed' } satisfies PageTextReply);
  }
});
