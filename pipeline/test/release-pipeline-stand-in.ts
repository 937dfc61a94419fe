import { App, Stack } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { settings } from '../../contract/settings';
import type { GitHubSource, ReleaseTarget } from '../lib/release-pipeline';
import { ReleasePipelineStack, type ReleasePipelineStackProps } from '../lib/release-pipeline-stack';
import { STACK_NAMES } from '../../contract/stack-outputs';

export const ENV = { account: '123456789012', region: 'eu-west-1' };

export const SAMPLE_SOURCE: GitHubSource = {
  connectionArn:
    'arn:aws:codeconnections:eu-west-1:123456789012:connection/11111111-2222-3333-4444-555555555555',
  owner: 'example-org',
  repo: 'ecs-rollback-rehearsal',
};

/**
 * A stand-in for the service stack with just the resources the pipeline references, so the pipeline's
 * tests do not depend on the whole service (network, load balancer, alarms).
 */
export class StandInServiceStack extends Stack implements ReleaseTarget {
  readonly deploymentGroup: codedeploy.IEcsDeploymentGroup;
  readonly repository: ecr.Repository;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly containerName = settings.container.name;
  readonly logGroup: logs.LogGroup;
  readonly alarmTopic: sns.Topic;
  readonly hookFunction: lambda.Function;

  constructor(scope: App, id: string) {
    super(scope, id, { env: ENV });
    this.repository = new ecr.Repository(this, 'Repository');
    this.logGroup = new logs.LogGroup(this, 'Logs');
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDef');
    // Like the real service's first image (a CDK asset), this one does not come from the release repository.
    this.taskDefinition.addContainer(this.containerName, {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/node:24-bookworm-slim'),
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: this.containerName }),
    });
    this.alarmTopic = new sns.Topic(this, 'Alarms');
    this.hookFunction = new lambda.Function(this, 'Hook', {
      functionName: 'CodeDeployHook_StandIn',
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {};'),
    });
    this.deploymentGroup = codedeploy.EcsDeploymentGroup.fromEcsDeploymentGroupAttributes(this, 'Group', {
      application: codedeploy.EcsApplication.fromEcsApplicationName(
        this,
        'Application',
        'StandInApplication',
      ),
      deploymentGroupName: 'StandInGroup',
    });
  }
}

/** Builds the stand-in service and the pipeline stack in one app, with overrides for the pipeline props. */
export function buildReleasePipeline(overrides: Partial<ReleasePipelineStackProps> = {}): {
  app: App;
  service: StandInServiceStack;
  stack: ReleasePipelineStack;
} {
  const app = new App();
  const service = new StandInServiceStack(app, STACK_NAMES.service);
  const stack = new ReleasePipelineStack(app, STACK_NAMES.pipeline, {
    env: ENV,
    source: SAMPLE_SOURCE,
    target: service,
    ...overrides,
  });
  return { app, service, stack };
}
