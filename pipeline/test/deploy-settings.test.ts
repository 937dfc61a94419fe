import { addReleasePipeline } from '../lib/release-pipeline-context';
import { buildStacks } from './build-stacks';

/*
 * docs/deploy.md keeps the deploy settings in deploy-settings.json, which the app reads on every command,
 * because `-c` given to one `cdk deploy` is not remembered by the next. The service stack the pipeline
 * step deploys must then be the one the first deploy made, plus only what the pipeline itself adds to it.
 */
const SETTINGS = {
  alarmEmail: 'ops@example.com',
  deploymentConfig: 'ECSLinear10PercentEvery1Minutes',
  desiredCount: 3,
  testListenerCidr: '203.0.113.7/32',
  certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
};
const GITHUB = {
  githubConnectionArn:
    'arn:aws:codeconnections:eu-west-1:123456789012:connection/11111111-2222-3333-4444-555555555555',
  githubOwner: 'example-org',
  githubRepo: 'ecs-rollback-rehearsal',
};

/** The grants the pipeline stack adds to the service stack (docs/deploy.md, "Deploy the pipeline"). */
const PIPELINE_GRANTS = ['AWS::IAM::Policy', 'AWS::SNS::TopicPolicy'];

interface CfnTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  Outputs?: Record<string, unknown>;
}

/** The service stack's template for the context one `cdk deploy` reads, as bin/app.ts builds the app. */
function serviceTemplate(context: Record<string, unknown>): CfnTemplate {
  const built = buildStacks({
    // The same function code in all three: bundling it would change no comparison, and takes seconds each.
    context: { ...context, 'aws:cdk:bundling-stacks': [] },
    beforeSynth: (app, service) =>
      void addReleasePipeline(app, service, (key) => app.node.tryGetContext(key)),
  });
  try {
    return built.serviceTemplate().toJSON() as CfnTemplate;
  } finally {
    built.cleanup();
  }
}

function changedResources(before: CfnTemplate, after: CfnTemplate): string[] {
  const ids = new Set([...Object.keys(before.Resources), ...Object.keys(after.Resources)]);
  return [...ids].filter(
    (id) => JSON.stringify(before.Resources[id]) !== JSON.stringify(after.Resources[id]),
  );
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** A policy's statements as single permissions: effect, action, resource and principal, one per line. */
function permissions(resource: { Properties?: Record<string, unknown> } | undefined): string[] {
  const doc = resource?.Properties?.PolicyDocument as { Statement?: Record<string, unknown>[] } | undefined;
  return (doc?.Statement ?? []).flatMap((statement) => {
    const principal = statement.Principal as { Service?: unknown } | string | undefined;
    const principals = typeof principal === 'object' ? list(principal.Service) : [principal];
    return list(statement.Action).flatMap((action) =>
      list(statement.Resource).flatMap((target) =>
        principals.map((who) => JSON.stringify([statement.Effect, action, target, who, statement.Condition])),
      ),
    );
  });
}

let firstDeploy: CfnTemplate;
let pipelineStep: CfnTemplate;
let oldPipelineStep: CfnTemplate;

beforeAll(() => {
  firstDeploy = serviceTemplate(SETTINGS);
  pipelineStep = serviceTemplate({ ...SETTINGS, ...GITHUB });
  oldPipelineStep = serviceTemplate(GITHUB);
}, 240_000);

describe('deploy settings kept in deploy-settings.json', () => {
  it('the pipeline step leaves every resource of the first deploy as it was, but for the pipeline grants', () => {
    const changed = changedResources(firstDeploy, pipelineStep);
    expect(changed.map((id) => pipelineStep.Resources[id]?.Type).sort()).toEqual([...PIPELINE_GRANTS].sort());
    expect(changed.filter((id) => firstDeploy.Resources[id] === undefined)).toEqual([]);
  });

  it('the pipeline grants only add permissions to what the first deploy allowed', () => {
    for (const id of changedResources(firstDeploy, pipelineStep)) {
      const after = permissions(pipelineStep.Resources[id]);
      const lost = permissions(firstDeploy.Resources[id]).filter((p) => !after.includes(p));
      expect({ id, lost }).toEqual({ id, lost: [] });
      expect(after.length).toBeGreaterThan(permissions(firstDeploy.Resources[id]).length);
    }
  });

  it('the pipeline step adds only the exports the pipeline stack imports', () => {
    const added = Object.keys(pipelineStep.Outputs ?? {}).filter(
      (key) => !(key in (firstDeploy.Outputs ?? {})),
    );
    expect(added.every((key) => key.startsWith('ExportsOutput'))).toBe(true);
    for (const [key, output] of Object.entries(firstDeploy.Outputs ?? {})) {
      expect(pipelineStep.Outputs?.[key]).toEqual(output);
    }
  });

  it('a pipeline deploy given only the GitHub keys (the settings passed with -c at the first deploy) would undo them', () => {
    const types = changedResources(firstDeploy, oldPipelineStep).map(
      (id) => (firstDeploy.Resources[id] ?? oldPipelineStep.Resources[id])!.Type,
    );
    expect(types).toEqual(
      expect.arrayContaining([
        'AWS::SNS::Subscription',
        'AWS::ECS::Service',
        'AWS::CodeDeploy::DeploymentGroup',
      ]),
    );
  });
});
