// Bundles the release step's entries, each into one file that runs with node alone, into
// pipeline/release/bundled/, which is committed: buildspec.yml runs them before `npm ci`, and a build that
// reuses a tested image by its content key never installs at all. Run from the repository root after
// changing anything they import: `npm run bundle:release`; pipeline/test/release/bundled.test.ts fails
// while the committed files differ from what this writes.
const path = require('node:path');
const esbuild = require('esbuild');

const ENTRIES = [
  'pipeline/release/content-key.ts',
  'pipeline/release/render-release-files.ts',
  'pipeline/release/check-deploy-inputs.ts',
  'pipeline/release/write-reuse-report.ts',
];
const OUT_DIR = 'pipeline/release/bundled';

/** The bundles as esbuild makes them: `{ path, text }` per entry, paths relative to `root`. */
function bundleRelease(root = process.cwd(), write = false) {
  const result = esbuild.buildSync({
    absWorkingDir: root,
    entryPoints: ENTRIES,
    outdir: OUT_DIR,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // ES module builds let esbuild leave out the parts of the AWS SDK the entries never reach.
    mainFields: ['module', 'main'],
    // Paths in the bundle's comments as node_modules/..., wherever node_modules really is.
    preserveSymlinks: true,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
    write,
  });
  return result.outputFiles?.map((file) => ({ path: path.relative(root, file.path), text: file.text }));
}

module.exports = { bundleRelease, ENTRIES, OUT_DIR };

if (require.main === module) bundleRelease(process.cwd(), true);
