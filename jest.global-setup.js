// Process tests spawn the built service (dist/), exactly what `npm start` and the image run. Compiled
// before any suite when a source changed since the last build (tools/bin/fresh-build.js), so a stale
// dist/ never hides a change and an unchanged tree is not compiled again.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { buildIfStale } = require('./tools/bin/fresh-build');

module.exports = async function globalSetup() {
  // What the test files of this run build once and share (pipeline/test/synth-real-app.ts); the workers
  // inherit the variable, and jest.global-teardown.js removes the directory.
  process.env.JEST_RUN_CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'jest-run-'));
  const code = buildIfStale(__dirname);
  if (code !== 0) throw new Error(`the build failed (tsc exit ${code}); see its messages above`);
};
