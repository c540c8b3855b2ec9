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
const PROBES = join(__dirname, 'page-probes.js');

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
  static async open(browser: Browser, url: string, viewport = DESKTOP, options: { reducedMotion?: 'reduce' | 'no-preference' } = {}): Promise<PageWatch> {
    const context = await browser.newContext({ viewport, reducedMotion: options.reducedMotion ?? 'no-preference' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const watch = new PageWatch(page);
    await page.addInitScript({ path: PROBES });
    await page.goto(url);
    return watch;
  }

  get context(): BrowserContext {
    return this.page.context();
  }

  /** Call one of the probes of page-probes.js inside the page. */
  probe<T>(name: string, ...args: unknown[]): Promise<T> {
    return probe<T>(this.page, name, ...args);
  }

  /** Whether the page's newest peer connection is sending a live (enabled) microphone track. */
  microphoneLive(): Promise<boolean | null> {
    return this.probe('microphoneLive');
  }

  /** The id (or class) of the focused element. */
  focused(): Promise<string> {
    return this.probe('focused');
  }

  cspViolations(): Promise<string[]> {
    return this.probe('cspViolations');
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
  if (!(await page.evaluate<boolean>('typeof window.axe !== "undefined"'))) await page.evaluate(axeSource);
  const violations = await probe<AxeViolation[]>(page, 'axeViolations');
  return violations.filter((v) => impacts.includes(v.impact ?? ''));
}

/** Call a probe of page-probes.js: `window.__duckeProbe[name](...args)`. */
export function probe<T>(page: Page, name: string, ...args: unknown[]): Promise<T> {
  return page.evaluate<T>(`window.__duckeProbe[${JSON.stringify(name)}](...${JSON.stringify(args)})`);
}

/** Save a screenshot to test-artifacts/page/<name>.png; with UPDATE_DOCS_SCREENSHOTS=1 also docs/page-<name>.png. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean; docs?: boolean } = {}): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? false, animations: 'disabled' });
  if (options.docs && process.env.UPDATE_DOCS_SCREENSHOTS === '1') copyFileSync(file, join(DOCS, `page-${name}.png`));
}
