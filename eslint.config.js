import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

/**
 * The layers (docs/architecture.md) and what each may import, enforced on static imports,
 * re-exports and dynamic `import()`: a path with one of these folders in it is refused. Import
 * paths are relative, so a folder name anywhere in the path is the test; no folder inside a layer
 * is named like a layer. `client` may import the worker protocols' types (never their values).
 */
const LAYERS = ['app', 'client', 'cli', 'web', 'workers', 'test'];
const forbidding = (folders, message) => ({
  regex: `(^|/)(${folders.join('|')})(/|$)`,
  message,
});
function layer(files, forbidden, extra = []) {
  const names = LAYERS.filter((l) => forbidden.includes(l));
  const message = `this layer may not import from ${names.join(', ')} (docs/architecture.md, "Layers")`;
  const patterns = [forbidding(names, message), ...extra];
  return {
    files,
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
      'no-restricted-syntax': [
        'error',
        ...patterns.map((p) => ({
          selector: `ImportExpression[source.value=/${p.regex.replaceAll('/', '\\/')}/]`,
          message: p.message,
        })),
      ],
    },
  };
}

export default ts.config(
  { ignores: ['dist', 'node_modules', 'test-results', 'playwright-report', '.dev', '.gl'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser } },
  },
  // The core runs unchanged in a page, a worker and Node: nothing outside it but the packages
  // that do too.
  layer(['src/core/**'], LAYERS, [
    {
      regex: '^(?!\\.|@tensorflow/|zod$|re2js$)',
      message:
        'the core imports only the core, TensorFlow.js, zod and re2js (it runs in a page, a worker and Node)',
    },
  ]),
  layer(['src/web/**'], ['app', 'client', 'cli', 'workers', 'test']),
  layer(['workers/**'], ['app', 'client', 'cli', 'test']),
  layer(
    ['src/client/**'],
    ['app', 'cli', 'test'],
    [
      {
        regex: '(^|/)workers/(?!(import-)?protocol$)',
        message:
          'the client reaches a worker only through its protocol (workers/protocol.ts, import-protocol.ts)',
      },
      {
        regex: '(^|/)workers/(import-)?protocol$',
        allowTypeImports: true,
        message: "the client imports the worker protocols' types only",
      },
    ],
  ),
  layer(['src/app/**', 'src/main.ts'], ['cli', 'test']),
  layer(['src/cli/**'], ['test']),
);
