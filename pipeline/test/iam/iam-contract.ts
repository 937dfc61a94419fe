/**
 * The IAM contract: every call AWS makes on the project's behalf while it releases, rolls back or runs
 * a rehearsal, as IAM evaluates it (principal, action, resource ARN, the context keys AWS sets), and the
 * calls that must stay denied. `iam-contract.test.ts` simulates each row against the synthesized
 * templates; docs/deploy.md shows the same rows, and a test keeps the two equal.
 *
 * Resources and context values are ARN patterns with `${Name}` placeholders, filled with the values the
 * templates resolve to (see `release-facts.ts`). The source column names the document that says the
 * call is made, or how IAM evaluates it.
 */

/** Who makes the call. Roles are found in the templates by what they do, services by their principal. */
export type PrincipalName =
  | 'CodeDeploy role'
  | 'source action role'
  | 'build action role'
  | 'deploy action role'
  | 'CodeBuild role'
  | 'task execution role'
  | 'task role'
  | 'hook Lambda'
  | 'guard Lambda'
  | 'watcher Lambda'
  | 'EventBridge'
  | 'CodeStar Notifications'
  | 'load-balancer role'
  | 'hook invoke role'
  | 'native deploy Lambda';

/** Values the placeholders of resources and context keys stand for. */
export type FactName =
  | 'Partition'
  | 'Region'
  | 'Account'
  | 'ClusterName'
  | 'ServiceName'
  | 'ServiceArn'
  | 'TaskFamily'
  | 'TaskExecutionRoleArn'
  | 'TaskRoleArn'
  | 'ContainerLogGroup'
  | 'ApplicationArn'
  | 'DeploymentGroupArn'
  | 'DeploymentConfigArn'
  | 'ProductionListenerArn'
  | 'TestListenerArn'
  | 'AlarmArn'
  | 'HookFunctionArn'
  | 'GuardFunctionArn'
  | 'WatcherFunctionArn'
  | 'DeploymentStartRuleArn'
  | 'StoppedTasksRuleArn'
  | 'StoppedTasksLogGroupArn'
  | 'DeploymentStateRuleArn'
  | 'TopicArn'
  | 'ConnectionArn'
  | 'ProjectArn'
  | 'ProjectName'
  | 'ArtifactBucketArn'
  | 'NativeDeployFunctionArn'
  | 'RepositoryArn'
  | 'ProductionRuleArn'
  | 'TestRuleArn'
  | 'BlueTargetGroupArn'
  | 'GreenTargetGroupArn';

/** When AWS makes the call. */
export type Phase = 'release' | 'rollback' | 'rehearsal';

/** One call IAM must allow (or must deny), and the document that says so. */
export interface ContractRow {
  readonly principal: PrincipalName;
  readonly action: string;
  /** The resource ARN as IAM evaluates it; `*` for actions without a resource type. */
  readonly resource: string;
  /** Context keys AWS sets on the request. */
  readonly context?: Readonly<Record<string, string>>;
  readonly expect: 'allow' | 'deny';
  readonly phases: readonly Phase[];
  /** Title of the AWS document that says so. */
  readonly source: string;
}

const PASSED_TO_ECS_TASKS = { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } as const;
const TASK_SET =
  'arn:${Partition}:ecs:${Region}:${Account}:task-set/${ClusterName}/${ServiceName}/ecs-svc/1234567890123456789';
const CREATE_ON_BEHALF: readonly Phase[] = ['release', 'rollback'];

// Titles of the documents the rows cite.
const ECS_CODEDEPLOY_ROLE = 'Amazon ECS Developer Guide, "Amazon ECS CodeDeploy IAM Role"';
const CODEDEPLOY_LIMITED = 'AWS Managed Policy Reference, "AWSCodeDeployRoleForECSLimited"';
const PASS_ROLE = 'IAM User Guide, "Grant a user permissions to pass a role to an AWS service"';
const CONNECTIONS_RENAME = 'Developer Tools console User Guide, "Connections rename - Summary of changes"';
const CODEBUILD_ACTION = 'CodePipeline User Guide, "AWS CodeBuild build and test action reference"';
const ECS_BLUE_GREEN_ACTION =
  'CodePipeline User Guide, "Amazon Elastic Container Service and CodeDeploy blue-green deploy action reference"';
const CODEBUILD_ROLE = 'CodeBuild User Guide, "Allow CodeBuild to interact with other AWS services"';
const EXECUTION_ROLE = 'Amazon ECS Developer Guide, "Amazon ECS task execution IAM role"';
const ECR_RETAG = 'Amazon ECR User Guide, "Retagging an image"';
const CODEDEPLOY_SAR =
  'Service Authorization Reference, "Actions, resources, and condition keys for AWS CodeDeploy"';
const ECS_SAR =
  'Service Authorization Reference, "Actions, resources, and condition keys for Amazon Elastic Container Service"';
const LEAST_PRIVILEGE =
  'IAM User Guide, "Security best practices in IAM" (apply least-privilege permissions)';
const ELB_SAR =
  'Service Authorization Reference, "Actions, resources, and condition keys for Elastic Load Balancing V2"';
const EVENTBRIDGE_TARGETS = 'EventBridge User Guide, "Using resource-based policies for Amazon EventBridge"';
const NOTIFICATIONS_TOPIC =
  'Developer Tools console User Guide, "Configure Amazon SNS topics for notifications"';
const SNS_SSL =
  'Amazon SNS Developer Guide, "Amazon SNS security best practices" (enforce encryption in transit)';

/** What CodeDeploy does with its service role to shift an ECS service blue to green, and back. */
const CODEDEPLOY_ROWS: readonly ContractRow[] = [
  {
    principal: 'CodeDeploy role',
    action: 'ecs:CreateTaskSet',
    resource: TASK_SET,
    expect: 'allow',
    phases: CREATE_ON_BEHALF,
    source: CODEDEPLOY_LIMITED,
  },
  {
    principal: 'CodeDeploy role',
    action: 'iam:PassRole',
    resource: '${TaskExecutionRoleArn}',
    context: PASSED_TO_ECS_TASKS,
    expect: 'allow',
    phases: CREATE_ON_BEHALF,
    source: ECS_CODEDEPLOY_ROLE,
  },
  {
    principal: 'CodeDeploy role',
    action: 'iam:PassRole',
    resource: '${TaskRoleArn}',
    context: PASSED_TO_ECS_TASKS,
    expect: 'allow',
    phases: CREATE_ON_BEHALF,
    source: ECS_CODEDEPLOY_ROLE,
  },
  {
    principal: 'CodeDeploy role',
    action: 'elasticloadbalancing:ModifyListener',
    resource: '${TestListenerArn}',
    expect: 'allow',
    phases: CREATE_ON_BEHALF,
    source: CODEDEPLOY_LIMITED,
  },
  {
    principal: 'CodeDeploy role',
    action: 'lambda:InvokeFunction',
    resource: '${HookFunctionArn}',
    expect: 'allow',
    phases: ['release'],
    source: CODEDEPLOY_LIMITED,
  },
  {
    principal: 'CodeDeploy role',
    action: 'cloudwatch:DescribeAlarms',
    resource: '${AlarmArn}',
    expect: 'allow',
    phases: CREATE_ON_BEHALF,
    source: CODEDEPLOY_LIMITED,
  },
  {
    principal: 'CodeDeploy role',
    action: 'elasticloadbalancing:ModifyListener',
    resource: '${ProductionListenerArn}',
    expect: 'allow',
    phases: CREATE_ON_BEHALF,
    source: CODEDEPLOY_LIMITED,
  },
  {
    principal: 'CodeDeploy role',
    action: 'ecs:UpdateServicePrimaryTaskSet',
    resource: '${ServiceArn}',
    expect: 'allow',
    phases: CREATE_ON_BEHALF,
    source: CODEDEPLOY_LIMITED,
  },
  {
    principal: 'CodeDeploy role',
    action: 'ecs:DeleteTaskSet',
    resource: TASK_SET,
    expect: 'allow',
    phases: CREATE_ON_BEHALF,
    source: CODEDEPLOY_LIMITED,
  },
  {
    principal: 'CodeDeploy role',
    action: 'iam:PassRole',
    resource: '${TaskRoleArn}',
    context: { 'iam:PassedToService': 'lambda.amazonaws.com' },
    expect: 'deny',
    phases: CREATE_ON_BEHALF,
    source: PASS_ROLE,
  },
  {
    principal: 'CodeDeploy role',
    action: 'lambda:InvokeFunction',
    resource: '${GuardFunctionArn}',
    expect: 'deny',
    phases: ['release'],
    source: CODEDEPLOY_LIMITED,
  },
];

/** What the pipeline's actions do with the roles CodePipeline assumes for them. */
const PIPELINE_ROWS: readonly ContractRow[] = [
  {
    principal: 'source action role',
    action: 'codeconnections:UseConnection',
    resource: '${ConnectionArn}',
    expect: 'allow',
    phases: ['release'],
    source: CONNECTIONS_RENAME,
  },
  {
    principal: 'build action role',
    action: 'codebuild:StartBuild',
    resource: '${ProjectArn}',
    expect: 'allow',
    phases: ['release'],
    source: CODEBUILD_ACTION,
  },
  {
    principal: 'build action role',
    action: 'codebuild:BatchGetBuilds',
    resource: '${ProjectArn}',
    expect: 'allow',
    phases: ['release'],
    source: CODEBUILD_ACTION,
  },
  {
    principal: 'deploy action role',
    action: 'ecs:RegisterTaskDefinition',
    resource: 'arn:${Partition}:ecs:${Region}:${Account}:task-definition/${TaskFamily}:2',
    expect: 'allow',
    phases: ['release'],
    source: ECS_BLUE_GREEN_ACTION,
  },
  {
    principal: 'deploy action role',
    action: 'iam:PassRole',
    resource: '${TaskExecutionRoleArn}',
    context: PASSED_TO_ECS_TASKS,
    expect: 'allow',
    phases: ['release'],
    source: ECS_BLUE_GREEN_ACTION,
  },
  {
    principal: 'deploy action role',
    action: 'iam:PassRole',
    resource: '${TaskRoleArn}',
    context: PASSED_TO_ECS_TASKS,
    expect: 'allow',
    phases: ['release'],
    source: ECS_BLUE_GREEN_ACTION,
  },
  {
    principal: 'deploy action role',
    action: 'codedeploy:RegisterApplicationRevision',
    resource: '${ApplicationArn}',
    expect: 'allow',
    phases: ['release'],
    source: ECS_BLUE_GREEN_ACTION,
  },
  {
    principal: 'deploy action role',
    action: 'codedeploy:GetDeploymentConfig',
    resource: '${DeploymentConfigArn}',
    expect: 'allow',
    phases: ['release'],
    source: ECS_BLUE_GREEN_ACTION,
  },
  {
    principal: 'deploy action role',
    action: 'codedeploy:CreateDeployment',
    resource: '${DeploymentGroupArn}',
    expect: 'allow',
    phases: ['release'],
    source: ECS_BLUE_GREEN_ACTION,
  },
  {
    principal: 'deploy action role',
    action: 'codedeploy:GetDeployment',
    resource: '${DeploymentGroupArn}',
    expect: 'allow',
    phases: ['release'],
    source: ECS_BLUE_GREEN_ACTION,
  },
];

/**
 * What the build does with its own role: look up the content key's and the commit's tags, push the image or
 * add a tag to one already pushed (BatchGetImage, then PutImage), and write its logs.
 */
const BUILD_ROWS: readonly ContractRow[] = [
  {
    principal: 'CodeBuild role',
    action: 'ecr:GetAuthorizationToken',
    resource: '*',
    expect: 'allow',
    phases: ['release'],
    source: CODEBUILD_ROLE,
  },
  {
    principal: 'CodeBuild role',
    action: 'ecr:DescribeImages',
    resource: '${RepositoryArn}',
    expect: 'allow',
    phases: ['release'],
    source: CODEBUILD_ROLE,
  },
  {
    principal: 'CodeBuild role',
    action: 'ecr:BatchGetImage',
    resource: '${RepositoryArn}',
    expect: 'allow',
    phases: ['release'],
    source: ECR_RETAG,
  },
  {
    principal: 'CodeBuild role',
    action: 'ecr:InitiateLayerUpload',
    resource: '${RepositoryArn}',
    expect: 'allow',
    phases: ['release'],
    source: CODEBUILD_ROLE,
  },
  {
    principal: 'CodeBuild role',
    action: 'ecr:PutImage',
    resource: '${RepositoryArn}',
    expect: 'allow',
    phases: ['release'],
    source: CODEBUILD_ROLE,
  },
  {
    principal: 'CodeBuild role',
    action: 'logs:PutLogEvents',
    resource:
      'arn:${Partition}:logs:${Region}:${Account}:log-group:/aws/codebuild/${ProjectName}:log-stream:build-1',
    expect: 'allow',
    phases: ['release'],
    source: CODEBUILD_ROLE,
  },
  {
    principal: 'CodeBuild role',
    action: 'ecr:PutImage',
    resource: 'arn:${Partition}:ecr:${Region}:${Account}:repository/another-repository',
    expect: 'deny',
    phases: ['release'],
    source: LEAST_PRIVILEGE,
  },
];

/** What ECS does with the task's roles: pull the image and ship logs; the application itself gets nothing. */
const TASK_ROWS: readonly ContractRow[] = [
  {
    principal: 'task execution role',
    action: 'ecr:GetAuthorizationToken',
    resource: '*',
    expect: 'allow',
    phases: CREATE_ON_BEHALF,
    source: EXECUTION_ROLE,
  },
  {
    principal: 'task execution role',
    action: 'ecr:BatchGetImage',
    resource: '${RepositoryArn}',
    expect: 'allow',
    phases: CREATE_ON_BEHALF,
    source: EXECUTION_ROLE,
  },
  {
    principal: 'task execution role',
    action: 'ecr:GetDownloadUrlForLayer',
    resource: '${RepositoryArn}',
    expect: 'allow',
    phases: CREATE_ON_BEHALF,
    source: EXECUTION_ROLE,
  },
  {
    principal: 'task execution role',
    action: 'logs:CreateLogStream',
    resource:
      'arn:${Partition}:logs:${Region}:${Account}:log-group:${ContainerLogGroup}:log-stream:ecs/app/task-1',
    expect: 'allow',
    phases: CREATE_ON_BEHALF,
    source: EXECUTION_ROLE,
  },
  {
    principal: 'task execution role',
    action: 'logs:PutLogEvents',
    resource:
      'arn:${Partition}:logs:${Region}:${Account}:log-group:${ContainerLogGroup}:log-stream:ecs/app/task-1',
    expect: 'allow',
    phases: CREATE_ON_BEHALF,
    source: EXECUTION_ROLE,
  },
  {
    principal: 'task role',
    action: 'ecr:PutImage',
    resource: '${RepositoryArn}',
    expect: 'deny',
    phases: ['release'],
    source: LEAST_PRIVILEGE,
  },
  {
    principal: 'task role',
    action: 'codedeploy:StopDeployment',
    resource: '*',
    expect: 'deny',
    phases: ['release'],
    source: LEAST_PRIVILEGE,
  },
];

/** What the two Lambda functions do during a deployment, and what each must not be able to do. */
const FUNCTION_ROWS: readonly ContractRow[] = [
  {
    principal: 'hook Lambda',
    action: 'codedeploy:GetDeployment',
    resource: '${DeploymentGroupArn}',
    expect: 'allow',
    phases: ['release'],
    source: CODEDEPLOY_SAR,
  },
  {
    principal: 'hook Lambda',
    action: 'ecs:DescribeTaskDefinition',
    resource: '*',
    expect: 'allow',
    phases: ['release'],
    source: ECS_SAR,
  },
  {
    principal: 'hook Lambda',
    action: 'codedeploy:PutLifecycleEventHookExecutionStatus',
    resource: '*',
    expect: 'allow',
    phases: ['release', 'rehearsal'],
    source: CODEDEPLOY_SAR,
  },
  {
    principal: 'hook Lambda',
    action: 'codedeploy:StopDeployment',
    resource: '*',
    expect: 'deny',
    phases: ['release'],
    source: LEAST_PRIVILEGE,
  },
  {
    principal: 'guard Lambda',
    action: 'codedeploy:ListDeployments',
    resource: '${DeploymentGroupArn}',
    expect: 'allow',
    phases: ['rehearsal'],
    source: CODEDEPLOY_SAR,
  },
  {
    principal: 'guard Lambda',
    action: 'codedeploy:GetDeployment',
    resource: '${DeploymentGroupArn}',
    expect: 'allow',
    phases: ['rehearsal'],
    source: CODEDEPLOY_SAR,
  },
  {
    principal: 'guard Lambda',
    action: 'codedeploy:StopDeployment',
    resource: '*',
    expect: 'allow',
    phases: ['rehearsal'],
    source: CODEDEPLOY_SAR,
  },
  {
    principal: 'guard Lambda',
    action: 'codedeploy:PutLifecycleEventHookExecutionStatus',
    resource: '*',
    expect: 'deny',
    phases: ['rehearsal'],
    source: LEAST_PRIVILEGE,
  },
  {
    principal: 'watcher Lambda',
    action: 'elasticloadbalancing:DescribeTargetHealth',
    resource: '*',
    expect: 'allow',
    phases: ['rehearsal'],
    source: ELB_SAR,
  },
  {
    principal: 'watcher Lambda',
    action: 'codedeploy:GetDeployment',
    resource: '${DeploymentGroupArn}',
    expect: 'allow',
    phases: ['rehearsal'],
    source: CODEDEPLOY_SAR,
  },
  {
    principal: 'watcher Lambda',
    action: 'codedeploy:StopDeployment',
    resource: '*',
    expect: 'allow',
    phases: ['rehearsal'],
    source: CODEDEPLOY_SAR,
  },
  {
    principal: 'watcher Lambda',
    action: 'codedeploy:PutLifecycleEventHookExecutionStatus',
    resource: '*',
    expect: 'deny',
    phases: ['rehearsal'],
    source: LEAST_PRIVILEGE,
  },
];

/** What AWS services do through resource policies: EventBridge's targets and the topic's publishers. */
const SERVICE_ROWS: readonly ContractRow[] = [
  {
    principal: 'EventBridge',
    action: 'lambda:InvokeFunction',
    resource: '${GuardFunctionArn}',
    context: { 'aws:SourceArn': '${StoppedTasksRuleArn}' },
    expect: 'allow',
    phases: ['rehearsal'],
    source: EVENTBRIDGE_TARGETS,
  },
  {
    principal: 'EventBridge',
    action: 'lambda:InvokeFunction',
    resource: '${WatcherFunctionArn}',
    context: { 'aws:SourceArn': '${DeploymentStartRuleArn}' },
    expect: 'allow',
    phases: ['rehearsal'],
    source: EVENTBRIDGE_TARGETS,
  },
  {
    principal: 'EventBridge',
    action: 'logs:CreateLogStream',
    resource: '${StoppedTasksLogGroupArn}:log-stream:events-1',
    expect: 'allow',
    phases: ['rehearsal'],
    source: EVENTBRIDGE_TARGETS,
  },
  {
    principal: 'EventBridge',
    action: 'logs:PutLogEvents',
    resource: '${StoppedTasksLogGroupArn}:log-stream:events-1',
    context: { 'aws:SourceArn': '${StoppedTasksRuleArn}' },
    expect: 'allow',
    phases: ['rehearsal'],
    source: EVENTBRIDGE_TARGETS,
  },
  {
    principal: 'EventBridge',
    action: 'logs:PutLogEvents',
    resource: '${StoppedTasksLogGroupArn}:log-stream:events-1',
    context: { 'aws:SourceArn': '${DeploymentStateRuleArn}' },
    expect: 'deny',
    phases: ['rehearsal'],
    source: LEAST_PRIVILEGE,
  },
  {
    principal: 'EventBridge',
    action: 'sns:Publish',
    resource: '${TopicArn}',
    context: { 'aws:SourceArn': '${DeploymentStateRuleArn}', 'aws:SecureTransport': 'true' },
    expect: 'allow',
    phases: ['rollback', 'rehearsal'],
    source: EVENTBRIDGE_TARGETS,
  },
  {
    principal: 'EventBridge',
    action: 'sns:Publish',
    resource: '${TopicArn}',
    context: { 'aws:SourceArn': '${DeploymentStateRuleArn}', 'aws:SecureTransport': 'false' },
    expect: 'deny',
    phases: ['rollback', 'rehearsal'],
    source: SNS_SSL,
  },
  {
    principal: 'CodeStar Notifications',
    action: 'sns:Publish',
    resource: '${TopicArn}',
    context: { 'aws:SecureTransport': 'true' },
    expect: 'allow',
    phases: ['release'],
    source: NOTIFICATIONS_TOPIC,
  },
];

/** The whole contract, in the order docs/deploy.md shows it. */
export const IAM_CONTRACT: readonly ContractRow[] = [
  ...CODEDEPLOY_ROWS,
  ...PIPELINE_ROWS,
  ...BUILD_ROWS,
  ...TASK_ROWS,
  ...FUNCTION_ROWS,
  ...SERVICE_ROWS,
];
