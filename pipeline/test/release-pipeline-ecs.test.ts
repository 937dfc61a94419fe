/**
 * The release pipeline under the `ecs` controller: the Deploy stage is the native deploy step, which
 * registers the commit's rendered task definition and waits for ECS's blue/green deployment.
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
    ActionTypeId: { Provider: string };
    InputArtifacts: { Name: string }[];
    Configuration: { ProjectName: { Ref: string } };
  }[];
};

test('the Deploy stage runs the native deploy step on the source and the rendered release files', () => {
  const template = Template.fromStack(pipeline);
  const [pipe] = Object.values(template.findResources('AWS::CodePipeline::Pipeline')) as {
    Properties: { Stages: Stage[] };
  }[];
  const deploy = pipe!.Properties.Stages.find((s) => s.Name === RELEASE_STAGES.deploy.stage)!;
  expect(deploy.Actions).toHaveLength(1);
  const action = deploy.Actions[0]!;
  expect(action.ActionTypeId.Provider).toBe('CodeBuild');
  expect(action.InputArtifacts.map((a) => a.Name)).toEqual(['Source', 'Release']);
  const project = template.findResources('AWS::CodeBuild::Project')[action.Configuration.ProjectName.Ref] as {
    Properties: {
      Source: { BuildSpec: string };
      Environment: { EnvironmentVariables: { Name: string }[] };
      TimeoutInMinutes: number;
    };
  };
  expect(project.Properties.Source.BuildSpec).toContain(
    'node dist/pipeline/release/deploy-native.js --release \\"$CODEBUILD_SRC_DIR_Release\\"',
  );
  expect(project.Properties.Environment.EnvironmentVariables.map((v) => v.Name).sort()).toEqual([
    'CLUSTER_NAME',
    'SERVICE_NAME',
  ]);
  expect(project.Properties.TimeoutInMinutes).toBeGreaterThanOrEqual(60);
  expect(JSON.stringify(template.toJSON())).not.toContain('CodeDeployToECS');
});

test('cdk-nag AwsSolutions reports nothing unacknowledged in either stack', () => {
  const report = new AwsSolutionsChecks(built.app).validateScope(built.app);
  expect(
    report.violations.map(
      (v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.locations.join(',')).join(' ')}`,
    ),
  ).toEqual([]);
});
