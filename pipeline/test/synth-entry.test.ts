import * as path from 'node:path';
import { STACK_NAMES } from '../../contract/stack-outputs';
import { REAL_APP_CONTEXT, synthesizeRealApp } from './synth-real-app';

// `npm run synth` end to end: the entry runner, cdk.json context and `-c` overrides, with a `docker` on
// PATH that records any call (the run's one synthesis of the real app, synth-real-app.ts). Synthesis must
// stage the image context and bundle the Lambdas with the local esbuild, never run Docker, and need no AWS
// credentials.
test('synth writes the service template offline, honours -c, and never calls docker', async () => {
  const synth = await synthesizeRealApp();

  expect(synth.dockerCalls).toBe('');
  const template = synth.read<{
    Resources: Record<
      string,
      {
        Type: string;
        Properties: { DesiredCount?: number; LoggingConfig?: unknown; Code?: { S3Key?: string } };
      }
    >;
  }>(`${STACK_NAMES.service}.template.json`);
  const service = Object.values(template.Resources).find((r) => r.Type === 'AWS::ECS::Service');
  expect(service?.Properties.DesiredCount).toBe(Number(REAL_APP_CONTEXT.desiredCount));

  // Our three Lambdas (hook, guard, watcher; each logging to a group the stack creates) were bundled by the
  // local esbuild into loadable modules that export the handler. aws-cdk-lib's provider that empties the
  // access-log bucket is not ours and needs the Lambda runtime's SDK.
  const bundles = Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.LoggingConfig !== undefined)
    .map((r) =>
      path.join(synth.outdir, `asset.${String(r.Properties.Code?.S3Key).replace(/\.zip$/, '')}`, 'index.js'),
    );
  expect(bundles).toHaveLength(3);
  for (const bundle of bundles) {
    const loaded = (await import(bundle)) as { handler?: unknown };
    expect(typeof loaded.handler).toBe('function');
  }
}, 150_000);
