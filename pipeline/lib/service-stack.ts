import { CfnOutput, Duration, Fn, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { settings } from '../../contract/settings';
import { ContainerService } from './container-service';
import { DeploymentAlarms } from './deployment-alarms';
import { DeploymentNotifications } from './deployment-notifications';
import { LoadBalancing } from './load-balancing';
import { Network } from './network';
import type { EcsDeploymentConfigName } from './service-context';
import { ServiceDashboard } from './service-dashboard';
import { OUTPUT_KEYS } from '../../contract/stack-outputs';
import { StoppedTaskGuard } from './stopped-task-guard';
import { StoppedTasksSignal } from './stopped-tasks-signal';
import { TestTrafficHook } from './test-traffic-hook';

export interface ServiceStackProps extends StackProps {
  /** @default settings.deployment.defaultConfig */
  readonly deploymentConfig?: EcsDeploymentConfigName;
  /** @default settings.ecs.desiredCount */
  readonly desiredCount?: number;
  /** @default - no e-mail subscription */
  readonly alarmEmail?: string;
  /** @default - only the hook reaches the test listener */
  readonly testListenerCidr?: string;
  /** @default - HTTP production listener */
  readonly certificateArn?: string;
  /** @default 'initial' */
  readonly appVersion?: string;
  /** Directory with the Dockerfile for the first image. @default - the repository root */
  readonly imageDirectory?: string;
}

/**
 * The service and everything its blue/green releases need: network, ALB with production and test
 * listeners, ECR, ECS on Fargate under the CODE_DEPLOY controller, the CodeDeploy deployment group with
 * its alarms and test-traffic hook, notifications and a dashboard.
 */
export class ServiceStack extends Stack {
  readonly cluster: ecs.Cluster;
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly containerName: string;
  readonly repository: ecr.IRepository;
  readonly logGroup: logs.ILogGroup;
  readonly deploymentGroup: codedeploy.IEcsDeploymentGroup;
  readonly alarms: readonly cloudwatch.IAlarm[];
  readonly alarmTopic: sns.ITopic;
  readonly hookFunction: lambda.IFunction;
  readonly loadBalancing: LoadBalancing;

  constructor(scope: Construct, id: string, props: ServiceStackProps = {}) {
    super(scope, id, props);
    const network = new Network(this, 'Network');
    this.loadBalancing = new LoadBalancing(this, 'LoadBalancing', {
      vpc: network.vpc,
      hookEgressCidr: network.natEgressCidr,
      ...(props.testListenerCidr === undefined ? {} : { testListenerCidr: props.testListenerCidr }),
      ...(props.certificateArn === undefined ? {} : { certificateArn: props.certificateArn }),
    });
    const lb = this.loadBalancing;
    const targetGroups = { Blue: lb.blueTargetGroup, Green: lb.greenTargetGroup };

    const app = new ContainerService(this, 'Service', {
      vpc: network.vpc,
      targetGroup: lb.blueTargetGroup,
      loadBalancerSecurityGroup: lb.loadBalancer.connections.securityGroups[0]!,
      desiredCount: props.desiredCount ?? settings.ecs.desiredCount,
      appVersion: props.appVersion ?? 'initial',
      ...(props.imageDirectory === undefined ? {} : { imageDirectory: props.imageDirectory }),
    });
    this.cluster = app.cluster;
    this.service = app.service;
    this.taskDefinition = app.taskDefinition;
    this.containerName = app.containerName;
    this.repository = app.repository;
    this.logGroup = app.logGroup;

    const stopped = new StoppedTasksSignal(this, 'StoppedTasks', {
      cluster: app.cluster,
      service: app.service,
    });
    const alarms = new DeploymentAlarms(this, 'Alarms', {
      loadBalancer: lb.loadBalancer,
      targetGroups,
      stoppedTasks: stopped.metric,
    });
    this.alarms = alarms.alarms;

    this.deploymentGroup = this.createDeploymentGroup(app, lb, alarms.alarms, props);

    new StoppedTaskGuard(this, 'StoppedTaskGuard', {
      rule: stopped.rule,
      deploymentGroup: this.deploymentGroup,
    });

    const hook = new TestTrafficHook(this, 'TestTrafficHook', {
      vpc: network.vpc,
      testListenerUrl: lb.testListenerUrl,
      deploymentGroup: this.deploymentGroup,
    });
    this.hookFunction = hook.function;

    const notifications = new DeploymentNotifications(this, 'Notifications', {
      deploymentGroup: this.deploymentGroup,
      ...(props.alarmEmail === undefined ? {} : { email: props.alarmEmail }),
    });
    this.alarmTopic = notifications.topic;

    new ServiceDashboard(this, 'Dashboard', {
      loadBalancer: lb.loadBalancer,
      targetGroups,
      cluster: app.cluster,
      service: app.service,
      stoppedTasks: stopped.metric,
      alarms: alarms.alarms,
    });
    this.addOutputs();
  }

  /**
   * Blue/green through CodeDeploy: both target groups and listeners, the alarms that stop a release, and
   * automatic rollback on failure, on a stop and on an alarm.
   */
  private createDeploymentGroup(
    app: ContainerService,
    lb: LoadBalancing,
    alarms: readonly cloudwatch.IAlarm[],
    props: ServiceStackProps,
  ): codedeploy.EcsDeploymentGroup {
    return new codedeploy.EcsDeploymentGroup(this, 'DeploymentGroup', {
      application: new codedeploy.EcsApplication(this, 'Application'),
      service: app.service,
      deploymentConfig: codedeploy.EcsDeploymentConfig.fromEcsDeploymentConfigName(
        this,
        'DeploymentConfig',
        props.deploymentConfig ?? settings.deployment.defaultConfig,
      ),
      blueGreenDeploymentConfig: {
        blueTargetGroup: lb.blueTargetGroup,
        greenTargetGroup: lb.greenTargetGroup,
        listener: lb.productionListener,
        testListener: lb.testListener,
        // aws-cdk-lib's default is 0: blue would vanish the moment traffic moves and no alarm could roll back.
        terminationWaitTime: Duration.minutes(settings.deployment.terminationWaitMinutes),
      },
      role: this.createCodeDeployRole(app.taskDefinition),
      alarms: [...alarms],
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    });
  }

  /**
   * CodeDeploy's ECS role, limited variant: it may invoke only Lambda functions named CodeDeployHook_*
   * (hence the hook's name) instead of any function in the account. Its iam:PassRole covers only roles
   * named ecsTaskExecutionRole or ECSTaskExecution*, and creating the green task set passes the task
   * definition's execution and task roles, whose names CloudFormation generates: the role gets PassRole on
   * exactly those two, to ECS tasks only (ECS Developer Guide, "Amazon ECS CodeDeploy IAM Role").
   */
  private createCodeDeployRole(taskDefinition: ecs.FargateTaskDefinition): iam.IRole {
    const role = new iam.Role(this, 'CodeDeployRole', {
      assumedBy: new iam.ServicePrincipal('codedeploy.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AWSCodeDeployRoleForECSLimited')],
    });
    const passed = [taskDefinition.taskRole, taskDefinition.executionRole].filter((r) => r !== undefined);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: passed.map((r) => r.roleArn),
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AWSCodeDeployRoleForECSLimited]',
      reason:
        'The AWS managed role policy for ECS blue/green is maintained with the service; the Limited variant restricts hook invocation to CodeDeployHook_* functions.',
    });
    // EcsDeploymentGroup would attach the broader AWSCodeDeployRoleForECS to any role it may modify.
    return role.withoutPolicyUpdates();
  }

  private addOutputs(): void {
    const outputs: Partial<Record<keyof typeof OUTPUT_KEYS, string>> = {
      albUrl: this.loadBalancing.productionUrl,
      testListenerUrl: this.loadBalancing.testListenerUrl,
      codeDeployApplication: this.deploymentGroup.application.applicationName,
      deploymentGroup: this.deploymentGroup.deploymentGroupName,
      clusterName: this.cluster.clusterName,
      ecsServiceName: this.service.serviceName,
      logGroup: this.logGroup.logGroupName,
      ecrRepositoryUri: this.repository.repositoryUri,
      alarmNames: Fn.join(
        ',',
        this.alarms.map((a) => a.alarmName),
      ),
      alarmTopicArn: this.alarmTopic.topicArn,
      hookFunctionName: this.hookFunction.functionName,
    };
    for (const [key, value] of Object.entries(outputs)) {
      const name = OUTPUT_KEYS[key as keyof typeof OUTPUT_KEYS];
      new CfnOutput(this, name, { key: name, value });
    }
  }
}
