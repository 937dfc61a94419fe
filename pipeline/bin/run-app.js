// Runs the TypeScript CDK app through SWC's transpiler (already used by Jest): no TypeScript API and no
// tsc build step; type checking is `npm run typecheck`'s job.
//
// Under the CDK CLI (`cdk synth`, `cdk deploy`) the CLI passes context and the output directory. Run
// directly, it takes the context from cdk.json, cdk.context.json and `-c key=value` arguments as the CLI would, and
// writes the cloud assembly to CDK_OUTDIR, by default cdk.out. The deploy settings are the app's own to read
// (deploy-settings.json, pipeline/lib/deploy-settings.ts).
const fs = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};

if (process.env.CDK_CONTEXT_JSON === undefined) {
  const root = path.join(__dirname, '..', '..');
  const cdkJson = JSON.parse(fs.readFileSync(path.join(root, 'cdk.json'), 'utf8'));
  // The CLI passes its context cache (cdk.context.json) too; the app refuses deploy settings found there.
  const contextFile = path.join(root, 'cdk.context.json');
  const kept = fs.existsSync(contextFile) ? JSON.parse(fs.readFileSync(contextFile, 'utf8')) : {};
  const context = { ...cdkJson.context, ...kept, ...contextFromArgs(process.argv.slice(2)) };
  process.env.CDK_CONTEXT_JSON = JSON.stringify(context);
  process.env.CDK_OUTDIR ??= path.join(root, cdkJson.output ?? 'cdk.out');
}

require('./app.ts');

function contextFromArgs(args) {
  const context = {};
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg !== '-c' && arg !== '--context') {
      throw new Error(`unknown argument ${JSON.stringify(arg)}; usage: run-app.js [-c key=value]...`);
    }
    const pair = args[(i += 1)] ?? '';
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`context must be key=value, got ${JSON.stringify(pair)}`);
    context[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return context;
}
