// @ts-check
// The root config ignores bench/ (plain CommonJS, not type-checked): lint it with this one,
// `npx eslint -c bench/eslint.config.mjs bench --max-warnings 0`.
import eslint from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['results/**', 'bench/results/**'] },
  eslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', ecmaVersion: 2023, globals: { ...globals.node } },
    rules: { 'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }] },
  },
];
