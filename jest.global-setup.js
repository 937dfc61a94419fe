// Process tests spawn the built service (dist/), exactly what `npm start` and the image run. Compiled
// before any suite when a source changed since the last build (tools/bin/fresh-build.js), so a stale
// dist/ never hides a change and an unchanged tree is not compiled again.
const { buildIfStale } = require('./tools/bin/fresh-build');

module.exports = async function globalSetup() {
  const code = buildIfStale(__dirname);
  if (code !== 0) throw new Error(`the build failed (tsc exit ${code}); see its messages above`);
};
