#!/usr/bin/env node
// The `rehearse` command (`npm run rehearse -- ...`, or the package's bin): compiles what changed, if
// anything, then runs the compiled CLI.
require('./fresh-build').runCompiled('dist/tools/src/cli.js', 'runCli');
