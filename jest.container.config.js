/** The container suite (`npm run test:container`): the real image, built and run with docker or podman. */
const { projects } = require('./jest.config');

// The unit project's transform and environment; no global setup, the image build compiles what it needs.
const shared = { ...projects.find((project) => project.displayName === 'unit') };
delete shared.displayName;

/** @type {import('jest').Config} */
module.exports = {
  ...shared,
  roots: ['<rootDir>/tools/test/container'],
  testMatch: ['**/*.container.test.ts'],
  testPathIgnorePatterns: [],
  reporters: ['default'],
  testTimeout: 120_000,
};
