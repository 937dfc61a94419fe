import { App } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { settings } from '../../contract/settings';
import { BUILD_VARIABLES, PROJECT_VARIABLE_KEYS } from '../../contract/build-variables';
import { DOCS_ONLY_PATHS, RELEASE_STAGES, triggerGlobMatches } from '../../contract/release-trigger';
import type { ReleaseTarget } from '../lib/release-pipeline';
import { ReleasePipelineStack } from '../lib/release-pipeline-stack';
import { OUTPUT_KEYS } from '../../contract/stack-outputs';
import { buildReleasePipeline, ENV, SAMPLE_SOURCE, StandInServiceStack } from './release-pipeline-stand-in';

const built = buildReleasePipeline();
const template = Template.fromStack(built.stack);
const serviceTemplate = Template.fromStack(built.service);
interface Artifact {
  readonly Name: string;
}
interface Action {
  readonly Name: string;
  readonly ActionTypeId: { readonly Provider: string };
  readonly Configuration: Record<string, string>;
  readonly Namespace?: string;
  readonly InputArtifacts?: Artifact[];
  readonly OutputArtifacts: Artifact[];
}
interface Stage {
  readonly Name: string;
  readonly Actions: Action[];
}
interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}
interface Policy {
  readonly Properties: {
    readonly Roles: { readonly Ref: string }[];
    readonly PolicyDocument: { readonly Statement: Statement[] };
  };
}

const stages = (): Stage[] =>
  (Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0]!.Properties as { Stages: Stage[] })
    .Stages;
const action = (stage: string): Action => stages().find((s) => s.Name === stage)!.Actions[0]!;
const hasAction = (statement: Statement, name: string): boolean => [statement.Action].flat().includes(name);

/** Statements of the IAM policy attached to the role whose logical ID starts with `rolePrefix`. */
function statementsOf(rolePrefix: string): Statement[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Policy[];
  const policy = policies.find((p) => p.Properties.Roles.some((r) => r.Ref.startsWith(rolePrefix)));
  if (!policy) throw new Error(`no policy for a role starting with ${rolePrefix}`);
  return policy.Properties.PolicyDocument.Statement;
}

describe('release pipeline', () => {
  it('is a V2 pipeline that releases every push in order (queued)', () => {
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      PipelineType: 'V2',
      ExecutionMode: 'QUEUED',
      RestartExecutionOnUpdate: false,
    });
  });

  it('runs Source from GitHub, Build in CodeBuild and Deploy with CodeDeploy blue/green, in that order', () => {
    expect(stages().map((s) => [s.Name, s.Actions.map((a) => [a.Name, a.ActionTypeId.Provider])])).toEqual([
      [RELEASE_STAGES.source.stage, [[RELEASE_STAGES.source.action, 'CodeStarSourceConnection']]],
      [RELEASE_STAGES.build.stage, [[RELEASE_STAGES.build.action, 'CodeBuild']]],
      [RELEASE_STAGES.deploy.stage, [[RELEASE_STAGES.deploy.action, 'CodeDeployToECS']]],
    ]);
  });

  it('reads the main branch of the repository through the connection', () => {
    expect(action('Source').Configuration).toEqual({
      ConnectionArn: SAMPLE_SOURCE.connectionArn,
      FullRepositoryId: `${SAMPLE_SOURCE.owner}/${SAMPLE_SOURCE.repo}`,
      BranchName: 'main',
    });
  });

  it('starts on pushes to main, skipping pushes that only touch documentation', () => {
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Triggers: [
        {
          ProviderType: 'CodeStarSourceConnection',
          GitConfiguration: {
            SourceActionName: RELEASE_STAGES.source.action,
            Push: [{ Branches: { Includes: ['main'] }, FilePaths: { Excludes: [...DOCS_ONLY_PATHS] } }],
          },
        },
      ],
    });
  });

  it.each([
    'taskdef.json',
    'appspec.yml',
    'buildspec.yml',
    'Dockerfile',
    'package.json',
    'app/src/server.ts',
  ])('never filters out a push touching %s', (path) => {
    expect(DOCS_ONLY_PATHS.filter((pattern) => triggerGlobMatches(pattern, path))).toEqual([]);
  });

  it.each(['README.md', 'docs/rehearsals.md', 'app/NOTES.md', 'LICENSE'])(
    'filters out a push touching only %s',
    (path) => {
      expect(DOCS_ONLY_PATHS.some((pattern) => triggerGlobMatches(pattern, path))).toBe(true);
    },
  );

  it('passes the commit fetched by the source action to the build as APP_VERSION', () => {
    const source = action('Source');
    expect(JSON.parse(action('Build').Configuration.EnvironmentVariables!)).toEqual([
      { name: BUILD_VARIABLES.appVersion, type: 'PLAINTEXT', value: `#{${source.Namespace}.CommitId}` },
    ]);
    expect(action('Build').InputArtifacts).toEqual(source.OutputArtifacts);
  });

  it("deploys the build's rendered taskdef.json and appspec.yml with the pushed image as IMAGE1_NAME", () => {
    const output = action('Build').OutputArtifacts[0]!.Name;
    expect(action('Deploy').Configuration).toEqual({
      ApplicationName: 'StandInApplication',
      DeploymentGroupName: 'StandInGroup',
      TaskDefinitionTemplateArtifact: output,
      TaskDefinitionTemplatePath: 'taskdef.json',
      AppSpecTemplateArtifact: output,
      AppSpecTemplatePath: 'appspec.yml',
      Image1ArtifactName: output,
      Image1ContainerName: 'IMAGE1_NAME',
    });
  });

  it('builds in a privileged standard image with local Docker-layer and custom caches', () => {
    template.hasResourceProperties('AWS::CodeBuild::Project', {
      Environment: Match.objectLike({
        Image: 'aws/codebuild/amazonlinux-x86_64-standard:5.0',
        PrivilegedMode: true,
        Type: 'LINUX_CONTAINER',
      }),
      Cache: { Type: 'LOCAL', Modes: ['LOCAL_DOCKER_LAYER_CACHE', 'LOCAL_CUSTOM_CACHE'] },
      Source: { Type: 'CODEPIPELINE' },
      EncryptionKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReleaseArtifactKey'), 'Arn'] },
    });
  });

  it("gives the build every account-specific value of the service, taken from the service stack's resources", () => {
    const variables = new Capture();
    template.hasResourceProperties('AWS::CodeBuild::Project', {
      Environment: Match.objectLike({ EnvironmentVariables: variables }),
    });
    const byName = Object.fromEntries(
      (variables.asArray() as { Name: string; Value: unknown }[]).map((v) => [v.Name, v.Value]),
    );
    expect(Object.keys(byName).sort()).toEqual(PROJECT_VARIABLE_KEYS.map((k) => BUILD_VARIABLES[k]).sort());
    const resolve = (value: unknown): string => built.stack.resolve(value) as string;
    expect(byName).toEqual({
      ECR_REPOSITORY_URI: built.stack.resolve(built.service.repository.repositoryUri),
      TASK_FAMILY: built.service.taskDefinition.family,
      TASK_EXECUTION_ROLE_ARN: built.stack.resolve(built.service.taskDefinition.executionRole!.roleArn),
      TASK_ROLE_ARN: built.stack.resolve(built.service.taskDefinition.taskRole.roleArn),
      LOG_GROUP_NAME: built.stack.resolve(built.service.logGroup.logGroupName),
      CONTAINER_NAME: settings.container.name,
      HOOK_FUNCTION_NAME: built.stack.resolve(built.service.hookFunction.functionName),
    });
    expect(JSON.stringify(resolve(byName.TASK_ROLE_ARN))).toContain('Fn::ImportValue');
  });

  it('lets the build push to the service repository only; its one wildcard is ecr:GetAuthorizationToken', () => {
    const statements = statementsOf('ReleaseBuildRole');
    const push = statements.find((s) => hasAction(s, 'ecr:PutImage'))!;
    expect(push.Resource).toEqual({
      'Fn::ImportValue': expect.stringMatching(/:ExportsOutputFnGetAttRepository\w+Arn/),
    });
    const lookup = statements.find((s) => hasAction(s, 'ecr:DescribeImages'))!;
    expect(lookup.Resource).toEqual(push.Resource);
    expect(statements.filter((s) => s.Resource === '*').map((s) => s.Action)).toEqual([
      'ecr:GetAuthorizationToken',
    ]);
  });

  it('lets the build publish JUnit reports to its own report groups', () => {
    const reports = statementsOf('ReleaseBuildRole').find((s) =>
      hasAction(s, 'codebuild:BatchPutTestCases'),
    )!;
    expect(reports.Action).toEqual(
      expect.arrayContaining(['codebuild:CreateReportGroup', 'codebuild:CreateReport']),
    );
    expect(JSON.stringify(reports.Resource)).toMatch(/report-group\/.*ReleaseBuild.*-\*/);
  });

  it('limits the deploy action wildcards to RegisterTaskDefinition and PassRole to ECS tasks', () => {
    const wildcards = statementsOf('ReleasePipelineDeployBlueGreen').filter((s) => s.Resource === '*');
    expect(wildcards).toEqual([
      expect.objectContaining({ Action: 'ecs:RegisterTaskDefinition' }),
      expect.objectContaining({
        Action: 'iam:PassRole',
        Condition: { StringEqualsIfExists: { 'iam:PassedToService': ['ecs-tasks.amazonaws.com'] } },
      }),
    ]);
  });

  it("lets the service's execution role pull the images the pipeline pushes", () => {
    const executionRole = built.service.getLogicalId(
      built.service.taskDefinition.executionRole!.node.defaultChild as never,
    );
    serviceTemplate.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: executionRole }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage']),
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Repository'), 'Arn'] },
          }),
        ]),
      },
    });
  });

  it('keeps artifacts in a KMS-encrypted, SSL-only, private bucket with a rotating key, removed with the stack', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    // Torn down with the stack, emptied first, so no bucket outlives the key that can read it.
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 1);
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      ArtifactStore: Match.objectLike({ EncryptionKey: Match.objectLike({ Type: 'KMS' }) }),
    });
  });

  it("notifies the service's alarm topic when a release fails", () => {
    template.hasResourceProperties('AWS::CodeStarNotifications::NotificationRule', {
      EventTypeIds: ['codepipeline-pipeline-pipeline-execution-failed'],
      Resource: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
      Targets: [
        { TargetType: 'SNS', TargetAddress: { 'Fn::ImportValue': Match.stringLikeRegexp('Alarms') } },
      ],
    });
    serviceTemplate.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sns:Publish',
            Principal: { Service: 'codestar-notifications.amazonaws.com' },
          }),
        ]),
      },
    });
  });

  it('outputs the pipeline name for the rehearsal tools', () => {
    template.hasOutput(OUTPUT_KEYS.pipelineName, {
      Value: { Ref: Match.stringLikeRegexp('^ReleasePipeline') },
    });
  });

  it('passes cdk-nag AwsSolutions with every acknowledgement in place', () => {
    const report = new AwsSolutionsChecks(built.app).validateScope(built.stack);
    expect(
      report.violations.map(
        (v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
    ).toEqual([]);
  });

  it('refuses a task definition without an execution role, saying how to get one', () => {
    const app = new App();
    const service = new StandInServiceStack(app, 'Service');
    const bare = new ecs.FargateTaskDefinition(service, 'Bare');
    const target: ReleaseTarget = {
      deploymentGroup: service.deploymentGroup,
      repository: service.repository,
      taskDefinition: bare,
      containerName: service.containerName,
      logGroup: service.logGroup,
      alarmTopic: service.alarmTopic,
      hookFunction: service.hookFunction,
    };
    expect(
      () => new ReleasePipelineStack(app, 'Pipeline', { env: ENV, source: SAMPLE_SOURCE, target }),
    ).toThrow(/Task definition Service\/Bare has no execution role/);
  });
});
