import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledgeWildcards } from './release-pipeline-nag';

/** What the native deploy step needs from the pipeline it belongs to. */
export interface NativeDeployProjectProps {
  /** The service whose deployment controller is ECS. */
  readonly service: ecs.IBaseService;
  /** The task definition's execution and task roles, which registering a revision passes to ECS. */
  readonly passedRoles: readonly iam.IRole[];
  /** The pipeline's artifact bucket: the step reads the release artifact with its key. */
  readonly artifactBucket: s3.IBucket;
  readonly logGroup: logs.ILogGroup;
  /** The gate's longest hold, which the step waits through. @default 0 - no gate */
  readonly holdMinutes?: number;
}

/**
 * The Deploy stage under the `ecs` controller. CodePipeline's standard Amazon ECS action builds the
 * new revision from the service's current task definition with only the image replaced (CodePipeline
 * User Guide, "Amazon Elastic Container Service deploy action reference"), so a fault flipped in the
 * commit's taskdef.json would not be released. This CodeBuild step registers the rendered taskdef.json
 * itself, updates the service, and waits for ECS's blue/green deployment (hook, shift and bake time)
 * to end; a stopped or rolled-back deployment fails the step and so the execution
 * (`pipeline/release/deploy-native.ts`).
 */
export function nativeDeployProject(
  scope: Construct,
  props: NativeDeployProjectProps,
): codebuild.PipelineProject {
  const { service } = props;
  const project = new codebuild.PipelineProject(scope, 'NativeDeploy', {
    description: 'Registers the release task definition and follows the native ECS blue/green deployment',
    environment: {
      buildImage: codebuild.LinuxBuildImage.AMAZON_LINUX_2023_5,
      computeType: codebuild.ComputeType.SMALL,
    },
    environmentVariables: {
      CLUSTER_NAME: { value: service.cluster.clusterName },
      SERVICE_NAME: { value: service.serviceName },
    },
    buildSpec: codebuild.BuildSpec.fromObject({
      version: '0.2',
      phases: {
        install: { 'runtime-versions': { nodejs: 24 }, commands: ['npm ci --no-audit --no-fund'] },
        build: {
          commands: [
            'npm run build',
            // The release artifact is the action's second input (CodeBuild, "Multiple input sources").
            'node dist/pipeline/release/deploy-native.js --release "$CODEBUILD_SRC_DIR_Release"',
          ],
        },
      },
    }),
    // Test shift, hook, every traffic step and the bake time: an hour covers the slowest configuration,
    // plus the gate's hold, so a held release ends by continue, rollback or its own time-out, not this one.
    timeout: Duration.minutes(90 + (props.holdMinutes ?? 0)),
    encryptionKey: props.artifactBucket.encryptionKey,
    logging: { cloudWatch: { logGroup: props.logGroup } },
  });
  const stack = Stack.of(scope);
  const deployments = stack.formatArn({
    service: 'ecs',
    resource: 'service-deployment',
    resourceName: `${service.cluster.clusterName}/${service.serviceName}/*`,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
  project.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['ecs:RegisterTaskDefinition'], resources: ['*'] }),
  );
  project.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['ecs:UpdateService'], resources: [service.serviceArn] }),
  );
  project.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ecs:DescribeServiceDeployments'],
      resources: [service.serviceArn, deployments],
    }),
  );
  // Before it starts ECS's deployment the step reads the service's listener rules, the target groups'
  // healthy targets and its deployment alarms (pipeline/release/native-start-checks.ts).
  project.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['ecs:DescribeServices'], resources: [service.serviceArn] }),
  );
  project.addToRolePolicy(
    new iam.PolicyStatement({
      actions: [
        'elasticloadbalancing:DescribeRules',
        'elasticloadbalancing:DescribeTargetHealth',
        'cloudwatch:DescribeAlarms',
      ],
      resources: ['*'],
    }),
  );
  // Registering the revision passes both task roles; only to ECS tasks.
  project.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: props.passedRoles.map((role) => role.roleArn),
      conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    }),
  );
  acknowledgeNativeDeployWildcards(project, props.artifactBucket);
  return project;
}

/** The native deploy project's wildcards: aws-cdk-lib's artifact, log and report grants, and ECS's own. */
function acknowledgeNativeDeployWildcards(
  project: codebuild.PipelineProject,
  artifactBucket: s3.IBucket,
): void {
  const stack = Stack.of(project);
  const artifactReason =
    "aws-cdk-lib's artifact grants: object-level actions on this pipeline's own artifact bucket and its key, nothing else.";
  acknowledgeWildcards(
    project,
    {
      actions: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'],
      resources: [artifactBucket.arnForObjects('*')],
    },
    artifactReason,
  );
  acknowledgeWildcards(project, { actions: ['kms:ReEncrypt*', 'kms:GenerateDataKey*'] }, artifactReason);
  acknowledgeWildcards(
    project,
    {
      resources: [
        `${stack.formatArn({ service: 'logs', resource: 'log-group', arnFormat: ArnFormat.COLON_RESOURCE_NAME, resourceName: `/aws/codebuild/${project.projectName}` })}:*`,
        stack.formatArn({
          service: 'codebuild',
          resource: 'report-group',
          resourceName: `${project.projectName}-*`,
        }),
      ],
    },
    "The deploy step's own log group and report groups, as aws-cdk-lib grants them to every CodeBuild project.",
  );
  acknowledgeWildcards(
    project,
    { resources: ['*'] },
    'ecs:RegisterTaskDefinition, elasticloadbalancing:DescribeRules and DescribeTargetHealth have no resource-level permissions (Service Authorization Reference, "Actions, resources, and condition keys for Amazon Elastic Container Service" and "... for Elastic Load Balancing V2"); cloudwatch:DescribeAlarms is a read of alarm states only.',
  );
  // The pattern reaches this stack as two cross-stack imports, which cdk-nag names by their export names
  // (the service stack's cluster and service).
  Validations.of(project.role!).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:service-deployment/RollbackRehearsalService:ExportsOutputRefServiceCluster572F72F13E552352/RollbackRehearsalService:ExportsOutputFnGetAttService9571FDD8Name56F663B1/*]',
    reason:
      "Service deployment ids are created by each UpdateService; the pattern names the service stack's cluster and service only.",
  });
}
