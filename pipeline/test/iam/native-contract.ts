/**
 * The IAM contract of the `ecs` controller: the calls ECS and the native hook and guard make during a
 * native blue/green release or rollback (the Deploy stage's function among them), and the ones that must
 * stay denied, in the same row shape as
 * the CodeDeploy contract (`iam-contract.ts`). `iam-contract-native.test.ts` simulates every row against
 * the synthesized `ecs` templates. Trust rows say which service may assume each role ECS uses.
 */
import type { ContractRow, Phase } from './iam-contract';

/** Who may assume one of the roles ECS is given, as the role's trust policy decides. */
export interface TrustRow {
  readonly role: 'load-balancer role' | 'hook invoke role';
  readonly service: string;
  readonly expect: 'allow' | 'deny';
  readonly source: string;
}

const RELEASE_AND_ROLLBACK: readonly Phase[] = ['release', 'rollback'];
const ALB_ROLE = 'Amazon ECS Developer Guide, "Amazon ECS infrastructure IAM role for load balancers"';
const ALB_RESOURCES =
  'Amazon ECS Developer Guide, "Application Load Balancer resources for blue/green, linear, and canary deployments"';
const HOOKS = 'Amazon ECS Developer Guide, "Lifecycle hooks for Amazon ECS service deployments"';
const ECS_SAR =
  'Service Authorization Reference, "Actions, resources, and condition keys for Amazon Elastic Container Service"';
const PASS_ROLE = 'IAM User Guide, "Grant a user permissions to pass a role to an AWS service"';
const PASSED_TO_ECS_TASKS = { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } as const;
const LEAST_PRIVILEGE =
  'IAM User Guide, "Security best practices in IAM" (apply least-privilege permissions)';
const ELB_SAR =
  'Service Authorization Reference, "Actions, resources, and condition keys for Elastic Load Balancing V2"';

const INVOKE_LAMBDA =
  'CodePipeline User Guide, "Invoke an AWS Lambda function in a pipeline in CodePipeline"';
/** An object the Build stage writes: CodePipeline names it `<pipeline>/<artifact>/<id>`. */
const RELEASE_OBJECT = '${ArtifactBucketArn}/RollbackRehearsalPipeline/Release/Ab1Cd2E';
const CLOUDWATCH_SAR =
  'Service Authorization Reference, "Actions, resources, and condition keys for Amazon CloudWatch"';
const DEPLOYMENT =
  'arn:${Partition}:ecs:${Region}:${Account}:service-deployment/${ClusterName}/${ServiceName}/a1b2c3d4e5f6';
const REVISION =
  'arn:${Partition}:ecs:${Region}:${Account}:service-revision/${ClusterName}/${ServiceName}/1234567890';
const OTHER_DEPLOYMENT =
  'arn:${Partition}:ecs:${Region}:${Account}:service-deployment/${ClusterName}/other-service/a1b2c3d4e5f6';

export const NATIVE_TRUST: readonly TrustRow[] = [
  { role: 'load-balancer role', service: 'ecs.amazonaws.com', expect: 'allow', source: ALB_ROLE },
  { role: 'load-balancer role', service: 'ecs-tasks.amazonaws.com', expect: 'deny', source: LEAST_PRIVILEGE },
  { role: 'hook invoke role', service: 'ecs.amazonaws.com', expect: 'allow', source: HOOKS },
  { role: 'hook invoke role', service: 'lambda.amazonaws.com', expect: 'deny', source: LEAST_PRIVILEGE },
];

export const NATIVE_IAM_CONTRACT: readonly ContractRow[] = [
  ...(['ProductionRuleArn', 'TestRuleArn'] as const).map((rule): ContractRow => ({
    principal: 'load-balancer role',
    action: 'elasticloadbalancing:ModifyRule',
    resource: `\${${rule}}`,
    expect: 'allow',
    phases: RELEASE_AND_ROLLBACK,
    source: ALB_RESOURCES,
  })),
  ...(['BlueTargetGroupArn', 'GreenTargetGroupArn'] as const).flatMap((group) =>
    (['RegisterTargets', 'DeregisterTargets'] as const).map((call): ContractRow => ({
      principal: 'load-balancer role',
      action: `elasticloadbalancing:${call}`,
      resource: `\${${group}}`,
      expect: 'allow',
      phases: RELEASE_AND_ROLLBACK,
      source: ALB_ROLE,
    })),
  ),
  {
    principal: 'load-balancer role',
    action: 'elasticloadbalancing:DescribeRules',
    resource: '*',
    expect: 'allow',
    phases: RELEASE_AND_ROLLBACK,
    source: ALB_ROLE,
  },
  {
    principal: 'hook invoke role',
    action: 'lambda:InvokeFunction',
    resource: '${HookFunctionArn}',
    expect: 'allow',
    phases: ['release'],
    source: HOOKS,
  },
  {
    principal: 'hook invoke role',
    action: 'lambda:InvokeFunction',
    resource: '${GuardFunctionArn}',
    expect: 'deny',
    phases: ['release'],
    source: LEAST_PRIVILEGE,
  },
  {
    principal: 'hook Lambda',
    action: 'ecs:DescribeServiceRevisions',
    resource: REVISION,
    expect: 'allow',
    phases: ['release'],
    source: ECS_SAR,
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
    action: 'ecs:StopServiceDeployment',
    resource: DEPLOYMENT,
    expect: 'deny',
    phases: ['release'],
    source: LEAST_PRIVILEGE,
  },
  {
    principal: 'guard Lambda',
    action: 'ecs:ListServiceDeployments',
    resource: '${ServiceArn}',
    expect: 'allow',
    phases: ['rollback'],
    source: ECS_SAR,
  },
  {
    principal: 'guard Lambda',
    action: 'ecs:DescribeServiceRevisions',
    resource: REVISION,
    expect: 'allow',
    phases: ['rollback'],
    source: ECS_SAR,
  },
  {
    principal: 'guard Lambda',
    action: 'ecs:StopServiceDeployment',
    resource: DEPLOYMENT,
    expect: 'allow',
    phases: ['rollback'],
    source: ECS_SAR,
  },
  {
    principal: 'guard Lambda',
    action: 'ecs:StopServiceDeployment',
    resource: OTHER_DEPLOYMENT,
    expect: 'deny',
    phases: ['rollback'],
    source: LEAST_PRIVILEGE,
  },
  {
    principal: 'guard Lambda',
    action: 'ecs:UpdateService',
    resource: '${ServiceArn}',
    expect: 'deny',
    phases: ['rollback'],
    source: LEAST_PRIVILEGE,
  },
  {
    principal: 'watcher Lambda',
    action: 'elasticloadbalancing:DescribeTargetHealth',
    resource: '*',
    expect: 'allow',
    phases: ['rollback'],
    source: ELB_SAR,
  },
  {
    principal: 'watcher Lambda',
    action: 'ecs:ListServiceDeployments',
    resource: '${ServiceArn}',
    expect: 'allow',
    phases: ['rollback'],
    source: ECS_SAR,
  },
  {
    principal: 'watcher Lambda',
    action: 'ecs:StopServiceDeployment',
    resource: DEPLOYMENT,
    expect: 'allow',
    phases: ['rollback'],
    source: ECS_SAR,
  },
  {
    principal: 'watcher Lambda',
    action: 'ecs:StopServiceDeployment',
    resource: OTHER_DEPLOYMENT,
    expect: 'deny',
    phases: ['rollback'],
    source: LEAST_PRIVILEGE,
  },
  {
    principal: 'watcher Lambda',
    action: 'elasticloadbalancing:ModifyRule',
    resource: '${ProductionRuleArn}',
    expect: 'deny',
    phases: ['rollback'],
    source: LEAST_PRIVILEGE,
  },
  {
    principal: 'guard Lambda',
    action: 'codedeploy:StopDeployment',
    resource: '*',
    expect: 'deny',
    phases: ['rollback'],
    source: LEAST_PRIVILEGE,
  },

  ...(['TaskExecutionRoleArn', 'TaskRoleArn'] as const).flatMap((role): ContractRow[] => [
    {
      principal: 'native deploy Lambda',
      action: 'iam:PassRole',
      resource: `\${${role}}`,
      context: PASSED_TO_ECS_TASKS,
      expect: 'allow',
      phases: ['release'],
      source: PASS_ROLE,
    },
    {
      principal: 'native deploy Lambda',
      action: 'iam:PassRole',
      resource: `\${${role}}`,
      context: { 'iam:PassedToService': 'lambda.amazonaws.com' },
      expect: 'deny',
      phases: ['release'],
      source: LEAST_PRIVILEGE,
    },
  ]),
  {
    principal: 'native deploy Lambda',
    action: 'ecs:RegisterTaskDefinition',
    resource: 'arn:${Partition}:ecs:${Region}:${Account}:task-definition/${TaskFamily}:2',
    expect: 'allow',
    phases: ['release'],
    source: ECS_SAR,
  },
  {
    principal: 'native deploy Lambda',
    action: 'ecs:UpdateService',
    resource: '${ServiceArn}',
    expect: 'allow',
    phases: ['release'],
    source: ECS_SAR,
  },
  {
    principal: 'native deploy Lambda',
    action: 'ecs:DescribeServiceDeployments',
    resource: DEPLOYMENT,
    expect: 'allow',
    phases: ['release'],
    source: ECS_SAR,
  },
  {
    principal: 'native deploy Lambda',
    action: 'ecs:DescribeServices',
    resource: '${ServiceArn}',
    expect: 'allow',
    phases: ['release'],
    source: ECS_SAR,
  },
  ...(['DescribeRules', 'DescribeTargetHealth'] as const).map((action): ContractRow => ({
    principal: 'native deploy Lambda',
    action: `elasticloadbalancing:${action}`,
    resource: '*',
    expect: 'allow',
    phases: ['release'],
    source: ELB_SAR,
  })),
  {
    principal: 'native deploy Lambda',
    action: 'cloudwatch:DescribeAlarms',
    resource: 'arn:${Partition}:cloudwatch:${Region}:${Account}:alarm:any',
    expect: 'allow',
    phases: ['release'],
    source: CLOUDWATCH_SAR,
  },
  {
    principal: 'native deploy Lambda',
    action: 'elasticloadbalancing:ModifyRule',
    resource: '${ProductionRuleArn}',
    expect: 'deny',
    phases: ['release'],
    source: LEAST_PRIVILEGE,
  },
  {
    principal: 'native deploy Lambda',
    action: 'ecs:UpdateService',
    resource: 'arn:${Partition}:ecs:${Region}:${Account}:service/${ClusterName}/other-service',
    expect: 'deny',
    phases: ['release'],
    source: LEAST_PRIVILEGE,
  },
  {
    principal: 'native deploy Lambda',
    action: 'ecs:StopServiceDeployment',
    resource: DEPLOYMENT,
    expect: 'deny',
    phases: ['release'],
    source: LEAST_PRIVILEGE,
  },
  ...(['PutJobSuccessResult', 'PutJobFailureResult'] as const).map((action): ContractRow => ({
    principal: 'native deploy Lambda',
    action: `codepipeline:${action}`,
    resource: '*',
    expect: 'allow',
    phases: ['release'],
    source: INVOKE_LAMBDA,
  })),
  {
    principal: 'deploy action role',
    action: 'lambda:InvokeFunction',
    resource: '${NativeDeployFunctionArn}',
    expect: 'allow',
    phases: ['release'],
    source: 'CodePipeline User Guide, "AWS Lambda invoke action reference"',
  },
  // The function reads the release artifact with the credentials CodePipeline passes in the job
  // (artifactCredentials), which are the action's; its own role cannot.
  {
    principal: 'deploy action role',
    action: 's3:GetObject',
    resource: RELEASE_OBJECT,
    expect: 'allow',
    phases: ['release'],
    source: INVOKE_LAMBDA,
  },
  {
    principal: 'native deploy Lambda',
    action: 's3:GetObject',
    resource: RELEASE_OBJECT,
    expect: 'deny',
    phases: ['release'],
    source: LEAST_PRIVILEGE,
  },
];
