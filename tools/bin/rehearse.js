#!/usr/bin/env node
// The `rehearse` command (`npm run rehearse -- ...`, or the package's bin): compiles what changed, if
// anything, then runs the compiled CLI in this same process, so its signals and exit code are the CLI's.
const path = require('node:path');
const { buildIfStale } = require('./fresh-build');

const root = path.join(__dirname, '../..');
const built = buildIfStale(root);
if (built === 0) require(path.join(root, 'dist/tools/src/cli.js')).runCli(process.argv.slice(2));
else {
  process.stderr.write('rehearse: the build failed (messages above); nothing was run.\n');
  process.exitCode = 1;
}
