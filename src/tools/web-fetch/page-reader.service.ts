import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { FetchRefusal } from './fetch-refusal';
import type { FetchedPage } from './page-fetcher.service';
import { PageText, plainText } from './page-decode';
import type { PageTextReply } from './page-text.worker';
import { WEB_FETCH_LIMITS, WebFetchLimits } from './web-fetch-limits';

/** At most this many pages are parsed at once (the machine's cores are the conversations' too). */
const MAX_WORKERS = 2;
/** A page that makes the parser grow past this is dropped with its worker. */
const WORKER_HEAP_MB = 256;

/**
 * Turns a fetched page into text. Plain text and JSON are decoded in place; HTML — whose parsing
 * takes up to seconds on a large page — runs in a small pool of worker threads, so the event loop
 * every conversation shares never stalls, and a page that takes longer than its time or memory
 * bound is dropped together with the worker that was reading it.
 */
@Injectable()
export class PageReader implements OnModuleDestroy {
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<(worker: Worker) => void> = [];
  private workers = 0;
  private nextTask = 1;
  private closed = false;

  constructor(@Inject(WEB_FETCH_LIMITS) private readonly limits: WebFetchLimits) {}

  async read(page: FetchedPage): Promise<PageText> {
    if (page.mediaType !== 'text/html') return plainText(page);
    const worker = await this.acquire();
    let healthy = true;
    try {
      return await this.run(worker, page);
    } catch (error) {
      healthy = !(error instanceof FetchRefusal && error.reason === 'unreadable');
      throw error;
    } finally {
      this.release(worker, healthy);
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    await Promise.all(this.idle.splice(0).map((worker) => worker.terminate()));
  }

  private run(worker: Worker, page: FetchedPage): Promise<PageText> {
    const id = this.nextTask++;
    return new Promise((resolve, reject) => {
      const unreadable = () => new FetchRefusal('unreadable', 'That page is too large or too complex for me to read.');
      const done = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onError);
      };
      const onMessage = (reply: PageTextReply) => {
        if (reply.id !== id) return;
        done();
        if ('error' in reply) reject(unreadable());
        else resolve({ title: reply.title, text: reply.text });
      };
      const onError = () => {
        done();
        reject(unreadable());
      };
      const timer = setTimeout(onError, this.limits.extractTimeoutMs);
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onError);
      const body = new Uint8Array(page.body);
      worker.postMessage({ id, page: { ...page, body } }, [body.buffer]);
    });
  }

  private acquire(): Promise<Worker> {
    const idle = this.idle.pop();
    if (idle) return Promise.resolve(idle);
    if (this.workers < MAX_WORKERS) {
      this.workers++;
      return Promise.resolve(spawnWorker());
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Back to the pool, or (after a timeout or crash) terminated and replaced for whoever waits. */
  private release(worker: Worker, healthy: boolean): void {
    if (!healthy || this.closed) {
      void worker.terminate();
      this.workers--;
      const next = this.waiting.shift();
      if (next) {
        this.workers++;
        next(spawnWorker());
      }
      return;
    }
    const next = this.waiting.shift();
    if (next) next(worker);
    else this.idle.push(worker);
  }
}

function spawnWorker(): Worker {
  // From source (tests, bench) the worker is TypeScript too and needs the same compiler hook.
  const fromSource = __filename.endsWith('.ts');
  const worker = new Worker(join(__dirname, `page-text.worker.${fromSource ? 'ts' : 'js'}`), {
    execArgv: fromSource ? ['--require', '@swc-node/register'] : [],
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
  });
  // An idle worker must not keep the process alive.
  worker.unref();
  return worker;
}
