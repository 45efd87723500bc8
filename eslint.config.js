// Lint configuration: typescript-eslint's type-checked recommended rules over every package's sources
// and tests, the examples and the bench (`pnpm lint`; CI runs it).
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'bench/out/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `const { dropped: _dropped, ...rest } = value` removes a key: the rest is what is used
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // the CLI, the session and the DSL are built on core's public API only: no kernels, no paths into its sources
    files: ['packages/cli/src/**/*.ts', 'packages/dsl/src/**/*.ts', 'packages/session/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@xbar/core/*', '**/core/src/**'], message: 'use the public API of @xbar/core' }] }],
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
