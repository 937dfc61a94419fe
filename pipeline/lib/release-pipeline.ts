import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import type * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ConnectionSourceAction } from './connection-source-action';
import {
  acknowledgeControl,
  acknowledgeRehearsalLogGroup,
  acknowledgeShortLivedBucket,
} from './control-tower';
import { nativeDeployProject } from './native-deploy-project';
import { acknowledgeWildcards } from './release-pipeline-nag';
import {
  BUILD_VARIABLES,
  PROJECT_VARIABLE_KEYS,
  type ProjectVariableKey,
} from '../../contract/build-variables';
import { APPSPEC_FILE, IMAGE_PLACEHOLDER, TASKDEF_FILE } from '../../contract/release-file-names';
import { DOCS_ONLY_PATHS, RELEASE_STAGES } from '../../contract/release-trigger';
import { settings } from '../../contract/settings';

/** The GitHub repository a release is built from, through an authorised CodeConnections connection. */
export interface GitHubSource {
  /** ARN of a CodeConnections (CodeStar Connections) connection in AVAILABLE state. */
  readonly connectionArn: string;
  /** Owner (user or organisation) of the repository. */
  readonly owner: string;
  /** Repository name. */
  readonly repo: string;
  /**
   * Branch whose pushes release.
   * @default 'main'
   */
  readonly branch?: string;
}

/**
 * What the pipeline releases into: the service stack's resources. The service stack exposes members with
 * these names, so the stack itself can be passed.
 */
export interface ReleaseTarget {
  /**
   * The CodeDeploy blue/green deployment group of the ECS service; undefined when ECS runs its own
   * blue/green deployments (the `ecs` controller).
   */
  readonly deploymentGroup?: codedeploy.IEcsDeploymentGroup;
  /** The service ECS deploys blue/green itself; set instead of `deploymentGroup` under the `ecs` controller. */
  readonly nativeService?: ecs.IBaseService;
  /** The hold before production traffic a release may wait in. @default - none */
  readonly gate?: { readonly waitMinutes: number };
  /** Repository the build pushes the image to; the pipeline gets push rights on this one only. */
  readonly repository: ecr.IRepository;
  /** The service's task definition: its family and roles are what `taskdef.json` is rendered with. */
  readonly taskDefinition: ecs.FargateTaskDefinition;
  /** Name of the container behind the load balancer. */
  readonly containerName: string;
  /** Log group of the container's `awslogs` driver. */
  readonly logGroup: logs.ILogGroup;
  /** Topic that hears about failed releases. */
  readonly alarmTopic: sns.ITopic;
  /** The AfterAllowTestTraffic hook the AppSpec names. */
  readonly hookFunction: lambda.IFunction;
}

export interface ReleasePipelineProps {
  readonly source: GitHubSource;
  readonly target: ReleaseTarget;
  /**
   * Paths whose changes alone do not start a release (CodePipeline glob syntax, at most 8). A push that
   * also touches any other file, `taskdef.json` included, still releases.
   * @default DOCS_ONLY_PATHS
   */
  readonly ignoredPaths?: readonly string[];
  /**
   * CodeBuild image for the test-and-build step; it must offer the `nodejs` runtime `buildspec.yml` asks for.
   * @default codebuild.LinuxBuildImage.AMAZON_LINUX_2023_5
   */
  readonly buildImage?: codebuild.IBuildImage;
  /**
   * Limit for one build (tests, image build and push).
   * @default Duration.minutes(30)
   */
  readonly buildTimeout?: Duration;
}

function executionRoleOf(target: ReleaseTarget): iam.IRole {
  const role = target.taskDefinition.executionRole;
  if (role === undefined) {
    throw new Error(
      `Task definition ${target.taskDefinition.node.path} has no execution role; released tasks pull from ECR and log with awslogs, so give it one (adding a container with an ECR image or awslogs logging creates it).`,
    );
  }
  return role;
}

/**
 * The release path: a push to the branch starts the pipeline (type V2, queued executions), CodeBuild runs
 * the checks, builds and pushes the image and renders the release files, and CodeDeploy shifts the ECS
 * service from blue to green through the deployment group, which rolls back on its alarms or hook.
 */
export class ReleasePipeline extends Construct {
  readonly pipeline: codepipeline.Pipeline;
  readonly project: codebuild.PipelineProject;
  readonly artifactBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ReleasePipelineProps) {
    super(scope, id);
    const key = this.createArtifactKey();
    this.artifactBucket = this.createArtifactBucket(key);
    this.project = this.createBuildProject(props, key);
    this.allowTasksToPullReleases(props.target);
    this.pipeline = this.createPipeline(props);
    this.notifyOnFailure(props.target.alarmTopic);
    this.acknowledgeGrantWildcards();
  }

  /**
   * The wildcards cdk-nag reports all come from aws-cdk-lib's own grants; each is scoped to this pipeline's
   * bucket, key, project or (where the API has no resource-level permissions) to a service condition.
   */
  private acknowledgeGrantWildcards(): void {
    const stack = Stack.of(this);
    const artifactAccess = {
      actions: ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'],
      resources: [this.artifactBucket.arnForObjects('*')],
    };
    const keyAccess = { actions: ['kms:ReEncrypt*', 'kms:GenerateDataKey*'] };
    const artifactReason =
      "aws-cdk-lib's artifact grants: object-level actions on this pipeline's own artifact bucket and its key, nothing else.";
    acknowledgeWildcards(this.project, artifactAccess, artifactReason);
    acknowledgeWildcards(this.project, keyAccess, artifactReason);
    acknowledgeWildcards(this.pipeline, artifactAccess, artifactReason);
    acknowledgeWildcards(this.pipeline, keyAccess, artifactReason);
    const logGroup = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      resourceName: `/aws/codebuild/${this.project.projectName}`,
    });
    acknowledgeWildcards(
      this.project,
      { resources: [`${logGroup}:*`] },
      "The build's log streams in its own log group /aws/codebuild/<project>; stream names are generated per build.",
    );
    acknowledgeWildcards(
      this.project,
      {
        resources: [
          stack.formatArn({
            service: 'codebuild',
            resource: 'report-group',
            resourceName: `${this.project.projectName}-*`,
          }),
        ],
      },
      "Report groups of this project only (<project>-jest, created by the buildspec's reports section on the first build).",
    );
    acknowledgeWildcards(
      this.project,
      { resources: ['*'] },
      'ecr:GetAuthorizationToken has no resource-level permissions; pushes are limited to the service repository by grantPullPush.',
    );
    acknowledgeWildcards(
      this.pipeline,
      { resources: ['*'] },
      'The CodeDeployToECS action needs ecs:RegisterTaskDefinition (no resource-level permissions) and iam:PassRole, which aws-cdk-lib limits to roles passed to ecs-tasks.amazonaws.com.',
    );
  }

  private createArtifactKey(): kms.Key {
    const key = new kms.Key(this, 'ArtifactKey', {
      description: 'Encrypts the release pipeline artifacts and build outputs',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    acknowledgeControl(
      key,
      'CT.KMS.PR.3',
      "The key policy is aws-cdk-lib's default, which delegates to IAM (the account root); no role in either stack is granted kms:CreateGrant, so no grant can be made for anything but an AWS service acting through those roles.",
    );
    return key;
  }

  private createArtifactBucket(key: kms.IKey): s3.Bucket {
    const bucket = new s3.Bucket(this, 'ArtifactBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // Artifacts are rebuilt from the commit on every run: nothing in the bucket needs to outlive a month,
      // or the stack (a retained bucket would also outlive the key that can read it).
      lifecycleRules: [{ expiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    acknowledgeShortLivedBucket(bucket, 'pipeline artifacts (source zips, rendered release files)');
    const provider = Stack.of(this).node.tryFindChild('Custom::S3AutoDeleteObjectsCustomResourceProvider');
    if (provider !== undefined) {
      acknowledgeControl(
        provider,
        'CT.LAMBDA.PR.3',
        "aws-cdk-lib's provider that empties the bucket on cdk destroy calls only the S3 API; it runs once, at deletion.",
      );
    }
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Holds only pipeline artifacts (source zips, rendered release files) that are rebuilt from the commit; CodePipeline and CodeBuild record every access in CloudTrail.',
    });
    return bucket;
  }

  private createBuildLogs(id: string): logs.LogGroup {
    const logGroup = new logs.LogGroup(this, id, {
      retention: logs.RetentionDays.TWO_WEEKS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    acknowledgeRehearsalLogGroup(logGroup);
    return logGroup;
  }

  private createBuildProject(props: ReleasePipelineProps, key: kms.IKey): codebuild.PipelineProject {
    const project = new codebuild.PipelineProject(this, 'Build', {
      description: 'Tests the commit, builds and pushes its image, and renders the release files',
      // The buildspec is the commit's own buildspec.yml, so that build steps change with the code they build.
      environment: {
        buildImage: props.buildImage ?? codebuild.LinuxBuildImage.AMAZON_LINUX_2023_5,
        computeType: codebuild.ComputeType.MEDIUM,
        privileged: true,
      },
      environmentVariables: this.buildVariables(props.target),
      cache: codebuild.Cache.local(codebuild.LocalCacheMode.DOCKER_LAYER, codebuild.LocalCacheMode.CUSTOM),
      timeout: props.buildTimeout ?? Duration.minutes(30),
      encryptionKey: key,
      // A log group of the stack's own rather than CodeBuild's default /aws/codebuild/<project>, which
      // CodeBuild would create on the first build and cdk destroy would leave behind.
      logging: { cloudWatch: { logGroup: this.createBuildLogs('BuildLogs') } },
    });
    props.target.repository.grantPullPush(project);
    // buildspec.yml looks the commit's tag up first: tags are immutable, so a re-run reuses the pushed image.
    props.target.repository.grant(project, 'ecr:DescribeImages');
    acknowledgeControl(
      project,
      'CT.CODEBUILD.PR.4',
      'Privileged mode runs the Docker daemon that builds the release image; the build runs only commits from the release branch.',
    );
    Validations.of(project).acknowledge({
      id: 'AwsSolutions-CB3',
      reason:
        'Privileged mode runs the Docker daemon that builds the release image; the build runs only commits from the release branch.',
    });
    return project;
  }

  /**
   * Released task definitions run the image this pipeline pushed, so the service's execution role must be
   * able to pull from the repository (the service's first image may come from elsewhere, such as a CDK asset).
   */
  private allowTasksToPullReleases(target: ReleaseTarget): void {
    target.repository.grantPull(executionRoleOf(target));
  }

  /** The account-specific values the render step writes into `taskdef.json` and checks the AppSpec against. */
  private buildVariables(target: ReleaseTarget): Record<string, codebuild.BuildEnvironmentVariable> {
    const executionRole = executionRoleOf(target);
    const values: { readonly [K in ProjectVariableKey]: string } = {
      repositoryUri: target.repository.repositoryUri,
      taskFamily: target.taskDefinition.family,
      executionRoleArn: executionRole.roleArn,
      taskRoleArn: target.taskDefinition.taskRole.roleArn,
      logGroupName: target.logGroup.logGroupName,
      containerName: target.containerName,
      // Under the ecs controller appspec.yml is rendered and checked but not deployed (ECS invokes its hook
      // by ARN), so the check holds it to the name it carries rather than the native hook's.
      hookFunctionName:
        target.deploymentGroup === undefined ? settings.hook.functionName : target.hookFunction.functionName,
    };
    return Object.fromEntries(PROJECT_VARIABLE_KEYS.map((k) => [BUILD_VARIABLES[k], { value: values[k] }]));
  }

  private createPipeline(props: ReleasePipelineProps): codepipeline.Pipeline {
    const { source, target } = props;
    const sourceOutput = new codepipeline.Artifact('Source');
    const buildOutput = new codepipeline.Artifact('Release');
    const sourceAction = new ConnectionSourceAction({
      actionName: RELEASE_STAGES.source.action,
      connectionArn: source.connectionArn,
      owner: source.owner,
      repo: source.repo,
      branch: source.branch ?? 'main',
      output: sourceOutput,
    });
    const buildAction = new actions.CodeBuildAction({
      actionName: RELEASE_STAGES.build.action,
      project: this.project,
      input: sourceOutput,
      outputs: [buildOutput],
      // The commit CodePipeline fetched, passed explicitly so the image tag never depends on how the source was cloned.
      environmentVariables: { [BUILD_VARIABLES.appVersion]: { value: sourceAction.variables.commitId } },
    });
    const deployAction = this.createDeployAction(target, sourceOutput, buildOutput);
    return new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineType: codepipeline.PipelineType.V2,
      // Every push is released in order, so a rehearsal's flip is never skipped by the revert pushed after it.
      executionMode: codepipeline.ExecutionMode.QUEUED,
      artifactBucket: this.artifactBucket,
      restartExecutionOnUpdate: false,
      stages: [
        { stageName: RELEASE_STAGES.source.stage, actions: [sourceAction] },
        { stageName: RELEASE_STAGES.build.stage, actions: [buildAction] },
        { stageName: RELEASE_STAGES.deploy.stage, actions: [deployAction] },
      ],
      triggers: [
        {
          providerType: codepipeline.ProviderType.CODE_STAR_SOURCE_CONNECTION,
          gitConfiguration: {
            sourceAction,
            pushFilter: [
              {
                branchesIncludes: [source.branch ?? 'main'],
                filePathsExcludes: [...(props.ignoredPaths ?? DOCS_ONLY_PATHS)],
              },
            ],
          },
        },
      ],
    });
  }

  /** CodeDeploy's ECS blue/green action, or under the `ecs` controller the native deploy step. */
  private createDeployAction(
    target: ReleaseTarget,
    sourceOutput: codepipeline.Artifact,
    buildOutput: codepipeline.Artifact,
  ): codepipeline.IAction {
    if (target.deploymentGroup !== undefined) {
      return new actions.CodeDeployEcsDeployAction({
        actionName: RELEASE_STAGES.deploy.action,
        deploymentGroup: target.deploymentGroup,
        taskDefinitionTemplateFile: buildOutput.atPath(TASKDEF_FILE),
        appSpecTemplateFile: buildOutput.atPath(APPSPEC_FILE),
        containerImageInputs: [{ input: buildOutput, taskDefinitionPlaceholder: IMAGE_PLACEHOLDER }],
      });
    }
    if (target.nativeService === undefined) {
      throw new Error(
        'ReleaseTarget needs a deploymentGroup (codedeploy controller) or a nativeService (ecs)',
      );
    }
    return new actions.CodeBuildAction({
      actionName: RELEASE_STAGES.deploy.action,
      project: nativeDeployProject(this, {
        service: target.nativeService,
        passedRoles: [executionRoleOf(target), target.taskDefinition.taskRole],
        artifactBucket: this.artifactBucket,
        logGroup: this.createBuildLogs('NativeDeployLogs'),
        ...(target.gate === undefined ? {} : { holdMinutes: target.gate.waitMinutes }),
      }),
      input: sourceOutput,
      extraInputs: [buildOutput],
    });
  }

  private notifyOnFailure(topic: sns.ITopic): void {
    this.pipeline.notifyOn('NotifyOnFailure', topic, {
      events: [codepipeline.PipelineNotificationEvents.PIPELINE_EXECUTION_FAILED],
    });
  }
}
