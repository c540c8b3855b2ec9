// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'views/static/**', 'coverage/**', 'test-artifacts/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': ['error', { allow: ['error', 'warn'] }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Type-aware rules where they pay: a promise nobody awaits or catches is how a failing Redis or
    // OpenAI call turns into an unhandled rejection in a live server. Only the shipped code runs
    // them (type information costs ~7 s here); tests keep the fast syntactic rules.
    files: ['src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.spec-support.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // web_fetch connects only through its own pinned node:http/https agents (the SSRF checks live
    // in their lookup); the global fetch would resolve and connect on its own.
    files: ['src/tools/web-fetch/**/*.ts'],
    rules: { 'no-restricted-globals': ['error', { name: 'fetch', message: 'web_fetch connects only through its pinned agents (page-fetcher.service.ts)' }] },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', '**/*.spec.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
