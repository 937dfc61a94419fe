import { CfnOutput, Duration, Fn, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import {
  DEFAULT_CONTROLLER,
  nativeStrategyFor,
  type DeploymentControllerName,
} from '../../contract/native-strategies';
import { settings } from '../../contract/settings';
import { ContainerService, type NativeBlueGreen } from './container-service';
import { DeploymentAlarms } from './deployment-alarms';
import type { DeploymentsOf } from './deployments-of';
import { DeploymentNotifications } from './deployment-notifications';
import { LoadBalancing } from './load-balancing';
import { Network } from './network';
import type { EcsDeploymentConfigName } from './service-context';
import { ServiceDashboard } from './service-dashboard';
import { OUTPUT_KEYS } from '../../contract/stack-outputs';
import { StoppedTaskGuard } from './stopped-task-guard';
import { TargetHealthWatcher } from './target-health-watcher';
import { StoppedTasksSignal } from './stopped-tasks-signal';
import { TestTrafficHook } from './test-traffic-hook';
import { addPauseHook, codeDeployApprovalWait, type ReleaseGate } from './release-gate';

export interface ServiceStackProps extends StackProps {
  /** Who runs the blue/green releases. @default 'codedeploy' */
  readonly controller?: DeploymentControllerName;
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
  /** A hold before production traffic, ended by a person or its time-out. @default - no hold */
  readonly gate?: ReleaseGate;
  /** Directory with the Dockerfile for the first image. @default - the repository root */
  readonly imageDirectory?: string;
}

/**
 * The service and everything its blue/green releases need: network, ALB with production and test
 * listeners, ECR, ECS on Fargate, alarms, a test-traffic hook, the stopped-task guard, notifications and a
 * dashboard. Under the `codedeploy` controller (the default) a CodeDeploy deployment group runs the
 * releases; under `ecs`, ECS's own blue/green deployment does, with the same alarms as deployment alarms,
 * the hook as a lifecycle hook and the guard stopping the service deployment.
 */
export class ServiceStack extends Stack {
  readonly cluster: ecs.Cluster;
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly containerName: string;
  readonly repository: ecr.IRepository;
  readonly logGroup: logs.ILogGroup;
  readonly controller: DeploymentControllerName;
  /** The CodeDeploy deployment group; undefined under the `ecs` controller. */
  readonly deploymentGroup?: codedeploy.IEcsDeploymentGroup;
  /** The service when ECS runs its blue/green deployments; undefined under the `codedeploy` controller. */
  readonly nativeService?: ecs.FargateService;
  /** The role ECS uses to shift the listener rules; undefined under the `codedeploy` controller. */
  readonly loadBalancerRole?: iam.IRole;
  /** The role ECS invokes the lifecycle hook with; undefined under the `codedeploy` controller. */
  readonly hookInvokeRole?: iam.IRole;
  readonly alarms: readonly cloudwatch.IAlarm[];
  /** The hold before production traffic; undefined without a gate. */
  readonly gate?: ReleaseGate;
  readonly alarmTopic: sns.ITopic;
  readonly hookFunction: lambda.IFunction;
  readonly loadBalancing: LoadBalancing;

  constructor(scope: Construct, id: string, props: ServiceStackProps = {}) {
    super(scope, id, props);
    this.controller = props.controller ?? DEFAULT_CONTROLLER;
    if (props.gate !== undefined) this.gate = props.gate;
    const network = new Network(this, 'Network');
    this.loadBalancing = new LoadBalancing(this, 'LoadBalancing', {
      vpc: network.vpc,
      hookEgressCidr: network.natEgressCidr,
      ...(props.testListenerCidr === undefined ? {} : { testListenerCidr: props.testListenerCidr }),
      ...(props.certificateArn === undefined ? {} : { certificateArn: props.certificateArn }),
      ...(this.controller === 'ecs' ? { controller: this.controller } : {}),
    });
    const lb = this.loadBalancing;
    const targetGroups = { Blue: lb.blueTargetGroup, Green: lb.greenTargetGroup };

    if (this.controller === 'ecs') this.loadBalancerRole = this.createLoadBalancerRole();
    const app = new ContainerService(this, 'Service', {
      vpc: network.vpc,
      targetGroup: lb.blueTargetGroup,
      loadBalancerSecurityGroup: lb.loadBalancer.connections.securityGroups[0]!,
      desiredCount: props.desiredCount ?? settings.ecs.desiredCount,
      appVersion: props.appVersion ?? 'initial',
      ...(props.imageDirectory === undefined ? {} : { imageDirectory: props.imageDirectory }),
      ...(this.loadBalancerRole === undefined
        ? {}
        : { nativeBlueGreen: this.nativeBlueGreen(lb, this.loadBalancerRole, props) }),
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

    let deploymentsOf: DeploymentsOf;
    if (this.controller === 'ecs') {
      this.nativeService = app.service;
      // The same alarms CodeDeploy would watch, as the service's deployment alarms with rollback: ECS
      // watches them through the shift and the bake time (ECS Developer Guide, "How CloudWatch alarms
      // detect Amazon ECS deployment failures").
      app.service.enableDeploymentAlarms(
        alarms.alarms.map((a) => a.alarmName),
        { behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM },
      );
      deploymentsOf = { nativeService: app.service };
    } else {
      this.deploymentGroup = this.createDeploymentGroup(app, lb, alarms.alarms, props);
      deploymentsOf = { deploymentGroup: this.deploymentGroup };
    }
    // One construct per job, whichever controller runs the deployments: each sets its function's controller.
    new StoppedTaskGuard(this, 'StoppedTaskGuard', { rule: stopped.rule, deploymentsOf });
    const hook = new TestTrafficHook(this, 'TestTrafficHook', {
      vpc: network.vpc,
      testListenerUrl: lb.testListenerUrl,
      deploymentsOf,
    });
    this.hookFunction = hook.function;
    // After the test-traffic hook, so the pause follows it in the service's list of hooks.
    if (props.gate !== undefined && this.controller === 'ecs')
      addPauseHook(app.service.node.defaultChild as ecs.CfnService, props.gate, 1);
    if (hook.invokeRole !== undefined) this.hookInvokeRole = hook.invokeRole;
    new TargetHealthWatcher(this, 'TargetHealthWatcher', {
      targetGroups: Object.values(targetGroups),
      deploymentsOf,
    });
    const notifications = new DeploymentNotifications(this, 'Notifications', {
      deploymentsOf,
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
   * Native blue/green from the same context as CodeDeploy's: the deployment configuration mapped to its
   * native strategy (`contract/native-strategies.ts`), the termination wait as the bake time, and green
   * behind both listeners' traffic rules.
   */
  private nativeBlueGreen(lb: LoadBalancing, role: iam.IRole, props: ServiceStackProps): NativeBlueGreen {
    const rules = lb.trafficRules;
    if (rules === undefined)
      throw new Error('ServiceStack: the ecs controller needs the listener traffic rules');
    return {
      strategy: nativeStrategyFor(props.deploymentConfig ?? settings.deployment.defaultConfig),
      bakeTime: Duration.minutes(settings.deployment.terminationWaitMinutes),
      alternateTarget: new ecs.AlternateTarget('Green', {
        alternateTargetGroup: lb.greenTargetGroup,
        productionListener: ecs.ListenerRuleConfiguration.applicationListenerRule(rules.production),
        testListener: ecs.ListenerRuleConfiguration.applicationListenerRule(rules.test),
        role,
      }),
    };
  }

  /**
   * The role ECS uses to register tasks in the target groups and move the listener-rule weights, trusted by
   * ecs.amazonaws.com only, with the managed policy AWS publishes for it (ECS Developer Guide, "Amazon ECS
   * infrastructure IAM role for load balancers").
   */
  private createLoadBalancerRole(): iam.Role {
    const role = new iam.Role(this, 'LoadBalancerRole', {
      assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
      description:
        'ECS native blue/green: shifts the listener rules and registers tasks in the target groups',
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonECSInfrastructureRolePolicyForLoadBalancers'),
      ],
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers]',
      reason:
        'The AWS managed policy ECS documents for its load-balancer infrastructure role ("Amazon ECS infrastructure IAM role for load balancers"); AWS keeps it in step with what blue/green calls.',
    });
    return role;
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
        ...(props.gate === undefined
          ? {}
          : { deploymentApprovalWaitTime: codeDeployApprovalWait(props.gate) }),
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
      ...(this.deploymentGroup === undefined
        ? {}
        : {
            codeDeployApplication: this.deploymentGroup.application.applicationName,
            deploymentGroup: this.deploymentGroup.deploymentGroupName,
          }),
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
      deploymentController: this.controller,
    };
    for (const [key, value] of Object.entries(outputs)) {
      const name = OUTPUT_KEYS[key as keyof typeof OUTPUT_KEYS];
      new CfnOutput(this, name, { key: name, value });
    }
  }
}
