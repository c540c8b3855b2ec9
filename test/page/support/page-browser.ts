/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// (DOM types for the functions these tests evaluate inside the page.)
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';

// Debian's chromium driven by playwright-core, headless, with a fresh profile per launch
// (playwright's temporary user-data-dir). Media flags: a fake microphone device, and the
// permission prompt answered "allow" — tests about a denied or missing microphone drop one of them.

const CHROMIUM = '/usr/bin/chromium';
const BASE_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const ROOT = join(__dirname, '..', '..', '..');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'page');
const DOCS = join(ROOT, 'docs');

export interface LaunchOptions {
  /** A fake audio input device exists (default true). */
  fakeMicrophone?: boolean;
  /** The microphone prompt is answered "allow" (default true); false leaves headless Chromium denying it. */
  allowMicrophone?: boolean;
}

export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const args = [...BASE_ARGS];
  if (options.fakeMicrophone !== false) args.push('--use-fake-device-for-media-stream');
  if (options.allowMicrophone !== false) args.push('--use-fake-ui-for-media-stream');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

/**
 * Everything the page must never do, collected while a test runs: console errors, uncaught
 * exceptions, CSP violations (reported by the browser's securitypolicyviolation event).
 */
export class PageWatch {
  readonly consoleErrors: string[] = [];
  readonly pageErrors: string[] = [];

  private constructor(readonly page: Page) {
    page.on('console', (message) => {
      if (message.type() === 'error') this.consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => this.pageErrors.push(error.message));
  }

  /** A new context and page, watched from the first document on. */
  static async open(browser: Browser, url: string, viewport = DESKTOP, options: { reducedMotion?: 'reduce' | 'no-preference'; trackPeers?: boolean } = {}): Promise<PageWatch> {
    const context = await browser.newContext({ viewport, reducedMotion: options.reducedMotion ?? 'no-preference' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const watch = new PageWatch(page);
    await page.addInitScript(() => {
      const w = window as unknown as { __cspViolations: string[] };
      w.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) => {
        w.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`);
      });
    });
    if (options.trackPeers) {
      // Observation only: keep a reference to each RTCPeerConnection the page makes, so a test
      // can read what its microphone sender is doing.
      await page.addInitScript(() => {
        const w = window as unknown as { __peers: RTCPeerConnection[] };
        const Native = window.RTCPeerConnection;
        w.__peers = [];
        window.RTCPeerConnection = class extends Native {
          constructor(configuration?: RTCConfiguration) {
            super(configuration);
            w.__peers.push(this);
          }
        };
      });
    }
    await page.goto(url);
    return watch;
  }

  get context(): BrowserContext {
    return this.page.context();
  }

  /** Whether the page's newest peer connection is sending a live (enabled) microphone track. */
  microphoneLive(): Promise<boolean | undefined> {
    return this.page.evaluate(() => {
      const peers = (window as unknown as { __peers?: RTCPeerConnection[] }).__peers ?? [];
      const sender = peers.at(-1)?.getSenders().find((s) => s.track?.kind === 'audio');
      return sender?.track ? sender.track.enabled && sender.track.readyState === 'live' : undefined;
    });
  }

  cspViolations(): Promise<string[]> {
    return this.page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
  }

  /** Every problem seen so far (empty when the page behaved). */
  async problems(): Promise<string[]> {
    const csp = await this.cspViolations();
    return [...this.consoleErrors.map((m) => `console: ${m}`), ...this.pageErrors.map((m) => `page error: ${m}`), ...csp.map((m) => `CSP: ${m}`)];
  }

  close(): Promise<void> {
    return this.context.close();
  }
}

let axeSource: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Run axe-core in the page. The page's CSP blocks injected <script> tags (addScriptTag), so the
 * source is evaluated through the DevTools protocol instead, which CSP does not govern.
 */
export async function axeViolations(page: Page, impacts: string[] = ['serious', 'critical']): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!loaded) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => impacts.includes(v.impact ?? ''));
}

/** Save a screenshot to test-artifacts/page/<name>.png; with UPDATE_DOCS_SCREENSHOTS=1 also docs/page-<name>.png. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean; docs?: boolean } = {}): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? false, animations: 'disabled' });
  if (options.docs && process.env.UPDATE_DOCS_SCREENSHOTS === '1') copyFileSync(file, join(DOCS, `page-${name}.png`));
}
