import { enableCompileCache } from 'node:module';

// Imported first by main.ts: every module loaded after this line is compiled from V8's code
// cache when one exists (NODE_COMPILE_CACHE, or the OS temp dir), which roughly halves the time
// spent loading code at start-up. The image ships a cache built at image build time.
enableCompileCache();
