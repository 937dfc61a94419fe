import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { STACK_NAMES } from '../../contract/stack-outputs';

const run = promisify(execFile);
const root = path.join(__dirname, '..', '..');

// `npm run synth` end to end: the entry runner, cdk.json context and `-c` overrides, with a `docker` on
// PATH that records any call. Synthesis must stage the image context and bundle the Lambdas with the
// local esbuild, never run Docker, and need no AWS credentials.
test('synth writes the service template offline, honours -c, and never calls docker', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-entry-'));
  try {
    const bin = path.join(tmp, 'bin');
    const marker = path.join(tmp, 'docker-called');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'docker'), `#!/bin/sh\necho "$@" >> '${marker}'\nexit 1\n`, {
      mode: 0o755,
    });
    const outdir = path.join(tmp, 'out');
    const env: NodeJS.ProcessEnv = {
      PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
      HOME: tmp,
      CDK_OUTDIR: outdir,
    };
    await run(process.execPath, [path.join(root, 'pipeline', 'bin', 'run-app.js'), '-c', 'desiredCount=3'], {
      cwd: root,
      env,
      timeout: 120_000,
    });

    expect(fs.existsSync(marker)).toBe(false);
    const template = JSON.parse(
      fs.readFileSync(path.join(outdir, `${STACK_NAMES.service}.template.json`), 'utf8'),
    ) as {
      Resources: Record<
        string,
        {
          Type: string;
          Properties: { DesiredCount?: number; LoggingConfig?: unknown; Code?: { S3Key?: string } };
        }
      >;
    };
    const service = Object.values(template.Resources).find((r) => r.Type === 'AWS::ECS::Service');
    expect(service?.Properties.DesiredCount).toBe(3);

    // Our three Lambdas (hook, guard, watcher; each logging to a group the stack creates) were bundled by the
    // local esbuild into loadable modules that export the handler. aws-cdk-lib's provider that empties the
    // access-log bucket is not ours and needs the Lambda runtime's SDK.
    const bundles = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.LoggingConfig !== undefined)
      .map((r) =>
        path.join(outdir, `asset.${String(r.Properties.Code?.S3Key).replace(/\.zip$/, '')}`, 'index.js'),
      );
    expect(bundles).toHaveLength(3);
    for (const bundle of bundles) {
      const loaded = (await import(bundle)) as { handler?: unknown };
      expect(typeof loaded.handler).toBe('function');
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}, 150_000);
