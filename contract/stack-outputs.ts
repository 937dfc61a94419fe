/**
 * Names of the CloudFormation outputs that the rehearsal tools read. The stacks write them, the command
 * line reads them with DescribeStacks: keep both sides on these constants.
 */
export const STACK_NAMES = {
  service: 'RollbackRehearsalService',
  pipeline: 'RollbackRehearsalPipeline',
} as const;

export const OUTPUT_KEYS = {
  albUrl: 'AlbUrl',
  testListenerUrl: 'TestListenerUrl',
  codeDeployApplication: 'CodeDeployApplicationName',
  deploymentGroup: 'DeploymentGroupName',
  clusterName: 'ClusterName',
  ecsServiceName: 'EcsServiceName',
  logGroup: 'LogGroupName',
  ecrRepositoryUri: 'EcrRepositoryUri',
  alarmNames: 'DeploymentAlarmNames',
  alarmTopicArn: 'AlarmTopicArn',
  hookFunctionName: 'TestTrafficHookFunctionName',
  pipelineName: 'PipelineName',
  /** `codedeploy` or `ecs`: which deployment APIs the tools read to follow a release. */
  deploymentController: 'DeploymentController',
} as const;

export type OutputKey = (typeof OUTPUT_KEYS)[keyof typeof OUTPUT_KEYS];
