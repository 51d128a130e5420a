// ESLint runs only the checks Biome cannot make (Biome formats and lints everything else): the
// type-aware ones (a promise nobody awaits, returns, catches or marks `void` loses its errors; Biome's
// own noFloatingPromises misses promises from packages' types: node:fs/promises, pg, fastify), and a
// test file's temp folder coming from tempFolder() (test/helpers/temp-folder.ts), which removes it.
// A folder made with mkdtempSync under tmpdir() was left behind by 22 files before that helper.
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/**', 'bench/out/**', 'node_modules/**'] },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's test() returns a promise the runner itself awaits
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['test/**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.name='mkdtempSync'] CallExpression[callee.name='tmpdir']",
          message: 'a test file makes its temp folder with tempFolder() (test/helpers/temp-folder.ts): removed at exit',
        },
      ],
    },
  },
)
