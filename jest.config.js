/**
 * One runner for the whole repository, in three projects a person can run alone (`npm run test:unit`,
 * `test:integration`, `test:e2e`); `npm test` runs all three. TypeScript goes through SWC, which never loads
 * the TypeScript API.
 */

/**
 * Tests that start the built service or the CLI, or synthesize a CDK app: they need `dist/` (built by the
 * global setup) or take seconds each. Paths from the repository root; a folder takes every test under it.
 */
const INTEGRATION = [
  'app/test/process/',
  'app/test/bundle.test.ts',
  'app/test/cpu-pinning.test.ts',
  'pipeline/test/control-tower.test.ts',
  'pipeline/test/deploy-settings-file.test.ts',
  'pipeline/test/deploy-settings.test.ts',
  'pipeline/test/deployment-alarms.test.ts',
  'pipeline/test/iam-contract.test.ts',
  'pipeline/test/iam-contract-native.test.ts',
  'pipeline/test/nag-on-synth.test.ts',
  'pipeline/test/release-files-service-stack.test.ts',
  'pipeline/test/release-gate.test.ts',
  'pipeline/test/release-pipeline.test.ts',
  'pipeline/test/release-pipeline-context.test.ts',
  'pipeline/test/release-pipeline-ecs.test.ts',
  'pipeline/test/rollback-time.test.ts',
  'pipeline/test/service-stack.test.ts',
  'pipeline/test/service-stack-ecs.test.ts',
  'pipeline/test/stopped-tasks-rule.test.ts',
  'pipeline/test/synth-entry.test.ts',
  'tools/test/bin/fresh-build.test.ts',
  'tools/test/commands/exit-codes.test.ts',
  'tools/test/commands/load-endless-body.test.ts',
  'tools/test/load/load-loop.test.ts',
  'tools/test/local/ecs/listen-gate.test.ts',
  'tools/test/local/gate-process.test.ts',
  'tools/test/local/local-process.test.ts',
  'tools/test/local/report-interrupt.test.ts',
  'tools/test/local/reset-production-rule.test.ts',
  'tools/test/process/supervisor.test.ts',
  'tools/test/suite/suite-interrupt.test.ts',
  'tools/test/up/local-environment.test.ts',
];

/** Local rehearsals end to end and the report pages in a browser: minutes, and sensitive to timing. */
const END_TO_END = ['**/*.e2e.test.ts', '**/*.browser.test.ts'];

const asGlob = (entry) => `<rootDir>/${entry}${entry.endsWith('/') ? '**/*.test.ts' : ''}`;
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const asIgnorePattern = (entry) => `<rootDir>/${escape(entry)}`;

// The container suite needs a container engine: `npm run test:container` runs it. The local environment's
// end-to-end runs each start with a whole release build (minutes): `npm run test:environment` runs them.
const IGNORED = ['/node_modules/', '\\.container\\.test\\.ts$', '\\.environment\\.test\\.ts$'];

/** What every project shares; a project config inherits nothing from the top level. */
const base = {
  testEnvironment: 'node',
  roots: ['<rootDir>/contract', '<rootDir>/core', '<rootDir>/app', '<rootDir>/pipeline', '<rootDir>/tools'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: IGNORED,
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } },
    ],
  },
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/cdk.out/'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...base,
      displayName: 'unit',
      testPathIgnorePatterns: [...IGNORED, '\\.e2e\\.test\\.ts$', '\\.browser\\.test\\.ts$'].concat(
        INTEGRATION.map(asIgnorePattern),
      ),
    },
    {
      ...base,
      displayName: 'integration',
      testMatch: INTEGRATION.map(asGlob),
      globalSetup: '<rootDir>/jest.global-setup.js',
      globalTeardown: '<rootDir>/jest.global-teardown.js',
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: END_TO_END,
      globalSetup: '<rootDir>/jest.global-setup.js',
      globalTeardown: '<rootDir>/jest.global-teardown.js',
    },
  ],
  // A global option: Jest ignores it inside a project.
  testTimeout: 30_000,
  testSequencer: '<rootDir>/jest.test-sequencer.js',
  reporters: [
    'default',
    ['jest-junit', { outputDirectory: 'reports', outputName: 'junit.xml', addFileAttribute: 'true' }],
  ],
};
