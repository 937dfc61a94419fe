/** One runner for the whole repository. TypeScript goes through SWC, which never loads the TypeScript API. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/contract', '<rootDir>/core', '<rootDir>/app', '<rootDir>/pipeline', '<rootDir>/tools'],
  testMatch: ['**/*.test.ts'],
  // The container suite needs a container engine: `npm run test:container` runs it.
  testPathIgnorePatterns: ['/node_modules/', '\\.container\\.test\\.ts$'],
  globalSetup: '<rootDir>/jest.global-setup.js',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } },
    ],
  },
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/cdk.out/'],
  testTimeout: 30_000,
  reporters: [
    'default',
    ['jest-junit', { outputDirectory: 'reports', outputName: 'junit.xml', addFileAttribute: 'true' }],
  ],
};
