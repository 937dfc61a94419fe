#!/usr/bin/env node
// `npm run rehearse:build`: compiles what changed, if anything, then rehearses the release build.
require('./fresh-build').runCompiled('dist/tools/src/release-build/rehearse-build.js', 'runRehearseBuild');
