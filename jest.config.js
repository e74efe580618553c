// One jest run covers every project; *.int.spec.ts and *.e2e.spec.ts need real infrastructure,
// which test/infra/global-setup.ts finds (or, with REQUIRE_INFRA=1, insists on).
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test', '<rootDir>/bench'],
  testMatch: ['**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: {
    '^@tally/(domain|events|eventstore|messages|read-models|runtime|client)$': '<rootDir>/libs/$1/src/index.ts',
    '^@tally/(api|projector)$': '<rootDir>/apps/$1/src/index.ts',
    // Test fixtures of the libs, for specs outside them (tests only).
    '^@tally/read-models/testing$': '<rootDir>/libs/read-models/src/testing/events.ts',
    '^@tally/messages/testing$': '<rootDir>/libs/messages/src/testing/usage-event.ts',
  },
  globalSetup: '<rootDir>/test/infra/global-setup.ts',
  globalTeardown: '<rootDir>/test/infra/global-teardown.ts',
  // Hooks too: a suite's beforeAll creates its PGlite database, and PGlite 0.6 (PostgreSQL 19)
  // takes longer to create one than 0.3 did, beyond 30 s on a loaded two-core machine.
  testTimeout: 60000,
};
