/**
 * The local environment's end-to-end runs (`npm run test:environment`): `up` driven by real `git push`es
 * through the commit's own buildspec, whose first release is a whole build (npm ci, lint, type check, the
 * release tests), so they stay out of `npm test`'s time budget. One file at a time.
 */
const { projects } = require('./jest.config');

const shared = { ...projects.find((project) => project.displayName === 'e2e') };
delete shared.displayName;

/** @type {import('jest').Config} */
module.exports = {
  ...shared,
  roots: ['<rootDir>/tools/test/up'],
  testMatch: ['**/*.environment.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  reporters: ['default'],
  testTimeout: 30_000,
};
