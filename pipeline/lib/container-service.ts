import * as path from 'node:path';
import { Duration, IgnoreMode, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { NativeStrategy } from '../../contract/native-strategies';
import { settings } from '../../contract/settings';
import { acknowledgeRehearsalLogGroup } from './control-tower';

/** Untagged images (failed or superseded pushes) are expired after this many days. */
const UNTAGGED_IMAGE_DAYS = 7;
/** Images kept in the repository: enough to roll back several releases. */
const IMAGES_KEPT = 10;

/** Paths the image build context never needs; excluded even if `.dockerignore` forgets them. */
export const IMAGE_CONTEXT_EXCLUDES = [
  'node_modules',
  'cdk.out',
  'dist',
  '.git',
  'reports',
  'coverage',
] as const;

/** How ECS itself runs blue/green releases of the service (the native controller). */
export interface NativeBlueGreen {
  /** BLUE_GREEN, CANARY or LINEAR, with the step numbers. */
  readonly strategy: NativeStrategy;
  /** How long blue is kept after all production traffic moved: the bake time alarms still watch. */
  readonly bakeTime: Duration;
  /** The green target group and the listener rules ECS shifts between the two. */
  readonly alternateTarget: ecs.IAlternateTarget;
}

export interface ContainerServiceProps {
  readonly vpc: ec2.IVpc;
  /** The target group the service registers its first tasks in (blue). */
  readonly targetGroup: elbv2.IApplicationTargetGroup;
  /** The security group of the load balancer, the only source allowed to reach the tasks. */
  readonly loadBalancerSecurityGroup: ec2.ISecurityGroup;
  readonly desiredCount: number;
  /** `APP_VERSION` of the first task definition; releases replace it with the commit. */
  readonly appVersion: string;
  /**
   * Directory holding the Dockerfile for the first deployment's image.
   * @default - the repository root
   */
  readonly imageDirectory?: string;
  /**
   * Run releases on the ECS controller with native blue/green instead of CodeDeploy.
   * @default - the CODE_DEPLOY controller
   */
  readonly nativeBlueGreen?: NativeBlueGreen;
}

/**
 * The ECR repository releases push to, the cluster, the Fargate task definition and the service under the
 * CODE_DEPLOY controller. The first `cdk deploy` runs the image built from the repository's Dockerfile;
 * from then on CodeDeploy owns the running task definition.
 */
export class ContainerService extends Construct {
  readonly repository: ecr.Repository;
  readonly cluster: ecs.Cluster;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly container: ecs.ContainerDefinition;
  readonly containerName: string = settings.container.name;
  readonly logGroup: logs.LogGroup;
  readonly service: ecs.FargateService;

  constructor(scope: Construct, id: string, props: ContainerServiceProps) {
    super(scope, id);
    this.repository = this.createRepository();
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: retentionDays(settings.ecs.logRetentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    acknowledgeRehearsalLogGroup(this.logGroup);
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      // A fixed family: taskdef.json registers its revisions in the same family, so releases and
      // rollbacks read as one history.
      family: settings.serviceName,
      cpu: settings.container.cpu,
      memoryLimitMiB: settings.container.memoryMiB,
      runtimePlatform: {
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
      },
    });
    this.container = this.addContainer(props);
    this.service = this.createService(props);
  }

  private createRepository(): ecr.Repository {
    const repository = new ecr.Repository(this, 'Repository', {
      imageScanOnPush: true,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      removalPolicy: RemovalPolicy.DESTROY,
      emptyOnDelete: true,
    });
    repository.addLifecycleRule({
      rulePriority: 1,
      description: `Expire untagged images after ${UNTAGGED_IMAGE_DAYS} days`,
      tagStatus: ecr.TagStatus.UNTAGGED,
      maxImageAge: Duration.days(UNTAGGED_IMAGE_DAYS),
    });
    // The catch-all rule must carry the highest priority number, or ECR evaluates it first.
    repository.addLifecycleRule({
      rulePriority: 2,
      description: `Keep the last ${IMAGES_KEPT} images`,
      tagStatus: ecr.TagStatus.ANY,
      maxImageCount: IMAGES_KEPT,
    });
    return repository;
  }

  private addContainer(props: ContainerServiceProps): ecs.ContainerDefinition {
    const hc = settings.containerHealthCheck;
    const container = this.taskDefinition.addContainer('App', {
      containerName: settings.container.name,
      image: ecs.ContainerImage.fromAsset(props.imageDirectory ?? path.join(__dirname, '..', '..'), {
        // Honour .dockerignore with Docker's own semantics, and never copy these even if it forgets them.
        ignoreMode: IgnoreMode.DOCKER,
        exclude: [...IMAGE_CONTEXT_EXCLUDES],
        platform: Platform.LINUX_AMD64,
      }),
      essential: true,
      // The one container may use the whole task: a hard limit equal to the task's memory.
      memoryLimitMiB: settings.container.memoryMiB,
      portMappings: [{ containerPort: settings.container.port, protocol: ecs.Protocol.TCP }],
      environment: { APP_VERSION: props.appVersion, FAULTS: '' },
      healthCheck: {
        // Exec form with node itself: slim images have no curl and no shell is needed.
        command: ['CMD', 'node', path.posix.join(settings.image.workdir, settings.image.healthcheckEntry)],
        interval: Duration.seconds(hc.intervalSeconds),
        timeout: Duration.seconds(hc.timeoutSeconds),
        retries: hc.retries,
        startPeriod: Duration.seconds(hc.startPeriodSeconds),
      },
      readonlyRootFilesystem: true,
      user: String(settings.image.uid),
      stopTimeout: Duration.seconds(settings.container.stopTimeoutSeconds),
      linuxParameters: new ecs.LinuxParameters(this, 'LinuxParameters', { initProcessEnabled: true }),
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'ecs' }),
    });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'FAULTS and APP_VERSION must be plain environment variables in the task definition: flipping a fault in taskdef.json has to produce a new task definition revision, so what runs in ECS is what the commit says. Neither holds a secret.',
    });
    const executionRole = this.taskDefinition.executionRole;
    if (executionRole !== undefined) {
      Validations.of(executionRole).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'ecr:GetAuthorizationToken has no resource-level permissions; image pulls themselves are limited to the image repository.',
      });
    }
    return container;
  }

  private createService(props: ContainerServiceProps): ecs.FargateService {
    const securityGroup = new ec2.SecurityGroup(this, 'ServiceSecurityGroup', {
      vpc: props.vpc,
      description: 'Tasks: the container port from the load balancer only',
      allowAllOutbound: true,
    });
    const service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: props.desiredCount,
      ...(props.nativeBlueGreen === undefined
        ? { deploymentController: { type: ecs.DeploymentControllerType.CODE_DEPLOY } }
        : nativeDeployment(props.nativeBlueGreen)),
      healthCheckGracePeriod: Duration.seconds(settings.ecs.healthCheckGracePeriodSeconds),
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [securityGroup],
      assignPublicIp: false,
      platformVersion: ecs.FargatePlatformVersion.LATEST,
    });
    if (props.nativeBlueGreen === undefined) {
      service.attachToApplicationTargetGroup(props.targetGroup);
    } else {
      service
        .loadBalancerTarget({
          containerName: settings.container.name,
          containerPort: settings.container.port,
          alternateTarget: props.nativeBlueGreen.alternateTarget,
        })
        .attachToApplicationTargetGroup(props.targetGroup);
    }
    securityGroup.connections.allowFrom(
      props.loadBalancerSecurityGroup,
      ec2.Port.tcp(settings.container.port),
      'load balancer to the container port',
    );
    return service;
  }
}

/**
 * The service props of a native blue/green service. The deployment circuit breaker is on with rollback:
 * the ECS Developer Guide's "Amazon ECS deployment failure detection" lists it for blue/green deployments,
 * while the API reference's `DeploymentCircuitBreaker` still names rolling updates only; switched on it
 * costs nothing where it does not apply and rolls back a green that never starts where it does.
 * `TaskDefinitionRevision.LATEST` writes only the family into the service, as CDK does for CODE_DEPLOY:
 * the pipeline registers each release's revision, and a later `cdk deploy` that leaves the family alone
 * does not put the stack's first revision back.
 */
function nativeDeployment(native: NativeBlueGreen): Partial<ecs.FargateServiceProps> {
  const { strategy } = native;
  const shift =
    strategy.strategy === 'BLUE_GREEN'
      ? {}
      : {
          [strategy.strategy === 'CANARY' ? 'canaryConfiguration' : 'linearConfiguration']: {
            stepPercent: strategy.percent,
            stepBakeTime: Duration.minutes(strategy.stepBakeMinutes),
          },
        };
  return {
    deploymentController: { type: ecs.DeploymentControllerType.ECS },
    deploymentStrategy: ecs.DeploymentStrategy[strategy.strategy],
    bakeTime: native.bakeTime,
    circuitBreaker: { enable: true, rollback: true },
    taskDefinitionRevision: ecs.TaskDefinitionRevision.LATEST,
    ...shift,
  };
}

function retentionDays(days: number): logs.RetentionDays {
  const match = Object.values(logs.RetentionDays).find((v) => Number(v) === days);
  if (match === undefined) {
    throw new Error(
      `settings.ecs.logRetentionDays=${days} is not a CloudWatch Logs retention; use e.g. 7, 14 or 30`,
    );
  }
  return match as logs.RetentionDays;
}
