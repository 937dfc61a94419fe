// Compiles dist/ only when the build's inputs changed since the last build made here, so a command that
// needs no new code (`--help`, `faults`, a usage error) answers in a fraction of a second instead of after
// a whole `tsc` run. Plain JavaScript: it runs before anything is compiled.
//
// The inputs are every file under tsconfig.build.json's `include` folders (tests left out, as the config
// leaves them out), the TypeScript configs, the bundler script, package.json and the lock file; their
// paths, sizes and modification times are hashed into one signature, written beside the output once a
// build succeeds. A changed, added, removed or renamed file changes the signature, and so does a file
// checked out with an older time. The signature is taken before the build starts, so a file saved during
// a build is built next time. A failed build writes no signature, so the next command builds again.
const { createHash } = require('node:crypto');
const { spawnSync } = require('node:child_process');
const { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { bundleService } = require('../../app/bundle');

/** Where the signature of the last successful build is kept: inside dist/, so removing dist/ forgets it. */
const SIGNATURE_FILE = 'dist/.build-inputs';
const BUILD_CONFIG = 'tsconfig.build.json';
// package.json: the CLI's --version is compiled in from it.
const LOOSE_INPUTS = ['tsconfig.json', BUILD_CONFIG, 'app/bundle.js', 'package.json', 'package-lock.json'];

function walk(root, dir, skip, found) {
  let entries;
  try {
    entries = readdirSync(path.join(root, dir), { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const file = `${dir}/${entry.name}`;
    if (skip(file)) continue;
    if (entry.isDirectory()) walk(root, file, skip, found);
    else if (!entry.name.endsWith('.test.ts')) found.push(file);
  }
}

/** Every file whose change can change what the build writes, relative to `root`, sorted. */
function buildInputs(root) {
  const config = JSON.parse(readFileSync(path.join(root, BUILD_CONFIG), 'utf8'));
  // The config's excludes that name folders; its file pattern (tests) is handled by the walk.
  const excluded = (config.exclude ?? []).filter((entry) => !entry.includes('*'));
  const skip = (file) => excluded.some((dir) => file === dir || file.startsWith(`${dir}/`));
  const found = [...LOOSE_INPUTS];
  for (const dir of config.include) walk(root, dir, skip, found);
  return found.sort();
}

/** A hash of the inputs' paths, sizes and modification times. */
function inputSignature(root) {
  const hash = createHash('sha256');
  for (const file of buildInputs(root)) {
    const stat = statSync(path.join(root, file), { throwIfNoEntry: false });
    hash.update(`${file}\0${stat ? `${stat.size}\0${stat.mtimeMs}` : 'missing'}\n`);
  }
  return hash.digest('hex');
}

function lastSignature(root) {
  try {
    return readFileSync(path.join(root, SIGNATURE_FILE), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** True when dist/ was built from the inputs as they are now. */
function isFresh(root) {
  return lastSignature(root) === inputSignature(root);
}

/**
 * Builds dist/ as `npm run build` does (tsc, then the service bundle) unless it is fresh. tsc's messages go
 * to stderr, never into a command's stdout. Returns tsc's exit code: 0 when dist/ is ready.
 */
function buildIfStale(root = path.join(__dirname, '../..')) {
  const signature = inputSignature(root);
  if (lastSignature(root) === signature) return 0;
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', BUILD_CONFIG], {
    cwd: root,
    stdio: ['ignore', 2, 2],
  });
  if (tsc.status !== 0) return tsc.status ?? 1;
  bundleService(root);
  mkdirSync(path.join(root, 'dist'), { recursive: true });
  writeFileSync(path.join(root, SIGNATURE_FILE), `${signature}\n`);
  return 0;
}

/**
 * Builds dist/ if it is stale, then calls the function `run` that the compiled `entry` exports with this
 * process's arguments, in this same process, so its signals and exit code are the command's. A failed
 * build runs nothing and exits 1.
 */
function runCompiled(entry, run, root = path.join(__dirname, '../..')) {
  if (buildIfStale(root) !== 0) {
    process.stderr.write(`the build failed (messages above); ${entry} was not run\n`);
    process.exitCode = 1;
    return;
  }
  require(path.join(root, entry))[run](process.argv.slice(2));
}

module.exports = { buildIfStale, buildInputs, inputSignature, isFresh, runCompiled, SIGNATURE_FILE };
