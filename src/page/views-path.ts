import { join } from 'node:path';

/** views/ sits beside src/ and dist/, so this resolves from both. */
export const VIEWS_DIR = join(__dirname, '..', '..', 'views');

/** Bundled scripts, styles and images, served under /static/. */
export const STATIC_DIR = join(VIEWS_DIR, 'static');
