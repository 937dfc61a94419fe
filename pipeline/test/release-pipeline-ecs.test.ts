/**
 * The release pipeline under the `ecs` controller: the Deploy stage invokes the native deploy function,
 * which registers the commit's rendered task definition and follows ECS's blue/green deployment.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addReleasePipeline } from '../lib/release-pipeline-context';
import { RELEASE_STAGES } from '../../contract/release-trigger';
import type { ReleasePipelineStack } from '../lib/release-pipeline-stack';
import { buildStacks, type BuiltStacks } from './build-stacks';

let built: BuiltStacks;
let pipeline: ReleasePipelineStack;
beforeAll(() => {
  built = buildStacks({
    context: {
      controller: 'ecs',
      // Nothing here reads the bundled code: skip bundling to keep the synthesis quick.
      'aws:cdk:bundling-stacks': [],
      githubConnectionArn:
        'arn:aws:codeconnections:eu-west-1:123456789012:connection/11111111-2222-3333-4444-555555555555',
      githubOwner: 'example-org',
      githubRepo: 'ecs-rollback-rehearsal',
    },
    beforeSynth: (app, service) => {
      pipeline = addReleasePipeline(app, service, (key) => app.node.tryGetContext(key))!;
    },
  });
  built.app.synth();
});
afterAll(() => built.cleanup());

type Stage = {
  Name: string;
  Actions: {
    ActionTypeId: { Category: string; Owner: string; Provider: string };
    InputArtifacts: { Name: string }[];
    Configuration: { FunctionName: { Ref: string } };
  }[];
};

test('the Deploy stage invokes the native deploy function on the rendered release files, with no build container', () => {
  const template = Template.fromStack(pipeline);
  const [pipe] = Object.values(template.findResources('AWS::CodePipeline::Pipeline')) as {
    Properties: { Stages: Stage[] };
  }[];
  const deploy = pipe!.Properties.Stages.find((s) => s.Name === RELEASE_STAGES.deploy.stage)!;
  expect(deploy.Actions).toHaveLength(1);
  const action = deploy.Actions[0]!;
  expect(action.ActionTypeId).toMatchObject({ Category: 'Invoke', Owner: 'AWS', Provider: 'Lambda' });
  expect(action.InputArtifacts.map((a) => a.Name)).toEqual(['Release']);
  const fn = template.findResources('AWS::Lambda::Function')[action.Configuration.FunctionName.Ref] as {
    Properties: { Environment: { Variables: Record<string, unknown> }; Timeout: number };
  };
  expect(Object.keys(fn.Properties.Environment.Variables).sort()).toEqual([
    'CLUSTER_NAME',
    'NODE_OPTIONS',
    'SERVICE_NAME',
  ]);
  // One invocation follows for four minutes before it hands back a continuation token.
  expect(fn.Properties.Timeout).toBeGreaterThan(4 * 60);
  // Only the Build stage's project: the deploy step no longer provisions a second build container.
  expect(Object.keys(template.findResources('AWS::CodeBuild::Project'))).toHaveLength(1);
  expect(JSON.stringify(template.toJSON())).not.toContain('CodeDeployToECS');
});

test('a retried invocation cannot deploy twice: the function gets no asynchronous retries', () => {
  const template = Template.fromStack(pipeline);
  template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
});

test('cdk-nag AwsSolutions reports nothing unacknowledged in either stack', () => {
  const report = new AwsSolutionsChecks(built.app).validateScope(built.app);
  expect(
    report.violations.map(
      (v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.locations.join(',')).join(' ')}`,
    ),
  ).toEqual([]);
});
