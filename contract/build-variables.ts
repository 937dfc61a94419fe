/**
 * The environment variables the release build reads. The pipeline stack sets the account-specific ones on
 * the CodeBuild project, `buildspec.yml` checks and exports the rest, and the render step reads them all:
 * the three keep to these names.
 */
export const BUILD_VARIABLES = {
  /** ECR repository the image is pushed to, `<account>.dkr.ecr.<region>.amazonaws.com/<name>`. */
  repositoryUri: 'ECR_REPOSITORY_URI',
  /** Task definition family the release registers revisions of (the service stack's task definition). */
  taskFamily: 'TASK_FAMILY',
  /** Role ECS uses to pull the image and write logs. */
  executionRoleArn: 'TASK_EXECUTION_ROLE_ARN',
  /** Role the service's own code runs as. */
  taskRoleArn: 'TASK_ROLE_ARN',
  /** CloudWatch Logs group of the container's `awslogs` driver. */
  logGroupName: 'LOG_GROUP_NAME',
  /** Container name the deployment group and the service stack use; must equal the template's. */
  containerName: 'CONTAINER_NAME',
  /** The AfterAllowTestTraffic hook Lambda function the AppSpec names. */
  hookFunctionName: 'HOOK_FUNCTION_NAME',
  /** Region of the log group; CodeBuild sets it for every build. */
  region: 'AWS_REGION',
  /** The release's version: the commit, exported by `buildspec.yml` from CODEBUILD_RESOLVED_SOURCE_VERSION. */
  appVersion: 'APP_VERSION',
  /** The pushed image by digest (`<repository uri>@sha256:<digest>`), exported by `buildspec.yml` after the push. */
  imageUri: 'IMAGE_URI',
} as const;

export type BuildVariableKey = keyof typeof BUILD_VARIABLES;
export type BuildVariableName = (typeof BUILD_VARIABLES)[BuildVariableKey];

/** Variables the pipeline stack sets on the CodeBuild project (the rest come from CodeBuild or the buildspec). */
export const PROJECT_VARIABLE_KEYS = [
  'repositoryUri',
  'taskFamily',
  'executionRoleArn',
  'taskRoleArn',
  'logGroupName',
  'containerName',
  'hookFunctionName',
] as const satisfies readonly BuildVariableKey[];

export type ProjectVariableKey = (typeof PROJECT_VARIABLE_KEYS)[number];
