/** Jest projects: `unit` and `e2e` run in `npm test`; `postgres` and `browser` need services and run on their own. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const swcJs = ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }];
/** Runtime dependencies published as ES modules only (Nest 12 and friends): compiled to CommonJS for jest. */
const ESM_PACKAGES = [
  '@nestjs',
  'content-disposition',
  'cookie',
  'set-cookie-parser',
  'toad-cache',
  'file-type',
  'strtok3',
  'token-types',
  'uint8array-extras',
  '@tokenizer',
  '@borewit',
  'lru-cache',
  'safe-stable-stringify',
  'fast-check',
  'yaml',
];
const moduleNameMapper = {
  '^@annals/(domain|application|event-store|projections|read-store)$': '<rootDir>/libs/$1/src',
  '^@annals/(domain|application|event-store|projections|read-store)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const base = {
  transform: { '^.+\\.ts$': swc, '^.+/node_modules/.+\\.m?js$': swcJs },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  moduleNameMapper,
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/support/setup-env.js'],
};

module.exports = {
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts'],
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-timeout.js'],
    },
    { ...base, displayName: 'postgres', testMatch: ['<rootDir>/**/*.pg-spec.ts'], testPathIgnorePatterns: ['/node_modules/'] },
    { ...base, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'] },
  ],
};
