// Process tests spawn the built service (dist/), exactly what `npm start` and the image run.
// Compile once before any suite; tsc is incremental-free here so a stale dist never hides a change.
const { execFileSync } = require('node:child_process');

module.exports = async function globalSetup() {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: __dirname,
    stdio: 'inherit',
  });
  // The entries as the image runs them: bundled with the service's own modules (app/bundle.js).
  require('./app/bundle').bundleService(__dirname);
};
