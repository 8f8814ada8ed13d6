/** One command runs every kind of test: *.spec.ts (unit), *.int-spec.ts (integration), *.e2e-spec.ts (end to end). */
const swc = ['@swc/jest', { swcrc: true }];
const moduleNameMapper = {
  '^@ledger/payments-domain$': '<rootDir>/libs/payments-domain/src',
  '^@ledger/event-store$': '<rootDir>/libs/event-store/src',
  '^@ledger/projections$': '<rootDir>/libs/projections/src',
  '^@ledger/security$': '<rootDir>/libs/security/src',
  '^@ledger/monitoring$': '<rootDir>/libs/monitoring/src',
  '^@ledger/platform$': '<rootDir>/libs/platform/src',
  '^@ledger/provider-webhooks$': '<rootDir>/libs/provider-webhooks/src',
  '^@ledger/payments-app$': '<rootDir>/libs/payments-app/src',
  '^@ledger/fraud$': '<rootDir>/libs/fraud/src',
  '^@ledger/reconciliation$': '<rootDir>/libs/reconciliation/src',
  '^@ledger/books$': '<rootDir>/libs/books/src',
  '^@ledger/testing$': '<rootDir>/test/support',
};
const common = {
  rootDir: __dirname,
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/support/jest-setup.ts'],
};
module.exports = {
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  projects: [
    {
      ...common,
      displayName: 'ledger',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.{spec,int-spec,e2e-spec}.ts'],
      // The Emmett benchmark peer has its own package and node:test runner (test/bench/peers/emmett).
      testPathIgnorePatterns: ['/node_modules/', '/dist/', 'eventstoredb\\.contract\\.int-spec\\.ts$', '/test/bench/peers/emmett/'],
    },
  ],
};
