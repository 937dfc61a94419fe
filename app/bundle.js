// Bundles each of the service's two entry files (the server and the container health check) with the
// service's own modules, over tsc's output in dist/: start-up then reads and compiles one file of the
// service's code instead of some thirty, as bare Express reads one. Dependencies stay in node_modules and
// load as they would (prom-client still only when first needed). Run from the repository root after tsc:
// `npm run build`, jest's global setup and the image build all do.
const path = require('node:path');
const esbuild = require('esbuild');

const ENTRIES = ['dist/app/src/server.js', 'dist/app/src/healthcheck.js'];

function bundleService(root = process.cwd()) {
  esbuild.buildSync({
    absWorkingDir: root,
    entryPoints: ENTRIES,
    outdir: path.dirname(ENTRIES[0]),
    allowOverwrite: true,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    // Chains tsc's source maps, so a map still leads to the TypeScript sources.
    sourcemap: true,
    logLevel: 'warning',
  });
}

module.exports = { bundleService, ENTRIES };

if (require.main === module) bundleService();
