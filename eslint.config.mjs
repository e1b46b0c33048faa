// @ts-check
import eslint from '@eslint/js';
import jest from 'eslint-plugin-jest';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** Layers point inward: apps → adapters → application → domain. The domain imports nothing of ours but itself. */
const layer = (files, forbidden) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: forbidden.map((group) => ({ group: [group], message: 'Dependencies point inward (architecture.md).' })) },
    ],
  },
});

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'bench/**',
      'test/support/openapi/annals-api.d.ts',
      '**/*.js',
      '**/*.mjs',
      // The page's ES modules are linted like the rest, type-checked by apps/api/src/web/tsconfig.json.
      '!apps/api/src/web/public/*.js',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  // The page's modules run in the browser; TypeScript (checkJs, DOM types) already refuses undefined names.
  { files: ['apps/api/src/web/public/*.js'], languageOptions: { sourceType: 'module' }, rules: { 'no-undef': 'off' } },
  // Nest resolves constructor parameters from emitted metadata: those imports must stay value imports.
  { files: ['apps/**/*.ts', 'libs/application/**/*.ts'], rules: { '@typescript-eslint/consistent-type-imports': 'off' } },
  layer(
    ['libs/domain/**/*.ts'],
    [
      '@annals/application',
      '@annals/event-store',
      '@annals/projections',
      '@annals/read-store',
      '@nestjs/*',
      'kysely',
      'better-sqlite3',
      'pg',
      '@kurrent/*',
    ],
  ),
  layer(
    ['libs/application/**/*.ts'],
    ['@annals/event-store', '@annals/projections', '@annals/read-store', 'kysely', 'better-sqlite3', 'pg', '@kurrent/*'],
  ),
  layer(['libs/event-store/**/*.ts', 'libs/read-store/**/*.ts'], ['@annals/projections', '**/apps/**']),
  layer(['libs/projections/**/*.ts'], ['**/apps/**']),
  {
    files: [
      '**/*.spec.ts',
      '**/*.e2e-spec.ts',
      '**/*.pg-spec.ts',
      '**/*.browser-spec.ts',
      'test/**/*.ts',
      'libs/event-store/src/event-store.contract.ts',
    ],
    ...jest.configs['flat/recommended'],
    rules: {
      ...jest.configs['flat/recommended'].rules,
      'jest/no-focused-tests': 'error',
      // Helpers named expect*/assert*/must* assert too.
      'jest/expect-expect': ['warn', { assertFunctionNames: ['expect', 'expect*', 'assert*', 'must*', '**.expect*', 'given.**.then*'] }],
      'jest/no-conditional-expect': 'off',
      'jest/no-standalone-expect': 'off',
      'jest/no-export': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // Tests read JSON answers loosely, as a client would.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  prettier,
);
