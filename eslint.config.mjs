// Lint rules that catch what review misses: promises nobody awaits, dead code, and imports that cross
// the architecture's boundaries (README: apps meet only through libs; the domain depends on nothing of ours).
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;

/** Which part of the architecture a file belongs to; the first matching pattern wins. */
const elements = [
  { type: 'domain', pattern: 'libs/payments-domain' },
  { type: 'lib', pattern: 'libs/*', capture: ['name'] },
  // The dashboard page: browser code bundled by esbuild, outside the Node app it is served by.
  { type: 'web', pattern: 'apps/*/web' },
  { type: 'app', pattern: 'apps/*', capture: ['name'] },
  { type: 'migrations', pattern: 'migrations' },
  { type: 'test', pattern: 'test' },
].map((element) => ({ ...element, partialMatch: false }));

/** Specs beside the code (a file category, independent of the element the file sits in). */
const files = [{ category: 'spec', pattern: '**/*.{spec,int-spec,e2e-spec}.ts' }];

/**
 * Imports between different elements are refused unless a policy allows them; imports inside one element
 * are not checked. So an app importing another app, a lib importing an app, or the domain importing
 * any other element of ours fails, and a new app or lib is covered by the patterns above without edits.
 * Apps and libs reach another lib only through its index (what its @ledger/<name> alias resolves to).
 * checkUnknownLocals: a file of ours outside every element (package.json, a root config) is refused too.
 */
const libEntry = { type: ['domain', 'lib'], fileInternalPath: 'src/index.ts' };
const policies = [
  { from: { element: { type: 'lib' } }, allow: { to: { element: [libEntry, { type: 'migrations' }] } } },
  { from: { element: { type: 'app' } }, allow: { to: { element: libEntry } } },
  { from: { element: { type: 'migrations' } }, allow: { to: { element: { type: 'migrations' } } } },
  // The browser bundle takes only the domain's pure money module (currency exponents), never the Node-side index.
  { from: { element: { type: 'web' } }, allow: { to: { element: { type: 'domain', fileInternalPath: 'src/money.ts' } } } },
  // Tests reach in anywhere; specs beside the code may use the shared test support (@ledger/testing).
  { from: { element: { type: 'test' } }, allow: { to: { element: { type: ['domain', 'lib', 'app', 'web', 'migrations'] } } } },
  { from: { element: { type: ['app', 'lib'] }, file: { categories: 'spec' } }, allow: { to: { element: { type: 'test' } } } },
];

export default defineConfig(
  { ignores: ['**/node_modules/**', '**/dist/**', '.data/**', 'coverage/**'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: root } },
    plugins: { boundaries },
    settings: {
      'boundaries/root-path': root,
      'boundaries/elements': elements,
      'boundaries/files': files,
      'boundaries/legacy-templates': false,
      'import/resolver': { typescript: { project: `${root}/tsconfig.json` } },
    },
    rules: {
      // A timer or handle declared before a closure that clears it is assigned later on purpose.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'boundaries/dependencies': ['error', { default: 'disallow', checkUnknownLocals: true, policies }],
      // Lib code is imported by its alias (@ledger/<name>), never by a path into another lib's folders.
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^@ledger/[^/]+/', message: 'Import a lib by its alias only (@ledger/<name>).' }] },
      ],
    },
  },
  {
    // Tests read loosely typed HTTP bodies and rows; production code keeps no-explicit-any.
    files: ['test/**/*.ts', '**/*.{spec,int-spec,e2e-spec}.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: { process: 'readonly', console: 'readonly' } },
  },
);
