// Process tests spawn the built service (dist/), exactly what `npm start` and the image run.
// Compile once before any suite; tsc is incremental-free here so a stale dist never hides a change.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async function globalSetup() {
  // What the test files of this run build once and share (pipeline/test/synth-real-app.ts); the workers
  // inherit the variable, and jest.global-teardown.js removes the directory.
  process.env.JEST_RUN_CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'jest-run-'));
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: __dirname,
    stdio: 'inherit',
  });
  // The entries as the image runs them: bundled with the service's own modules (app/bundle.js).
  require('./app/bundle').bundleService(__dirname);
};
