/** The container suite (`npm run test:container`): the real image, built and run with docker or podman. */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/tools/test/container'],
  testMatch: ['**/*.container.test.ts'],
  testPathIgnorePatterns: [],
  globalSetup: undefined,
  reporters: ['default'],
  testTimeout: 120_000,
};
