import { BUILD_VARIABLES, type BuildVariableKey } from '../../../contract/build-variables';

/** Build variables as CodeBuild would see them in account 123456789012, region eu-west-1. */
export const SAMPLE: { readonly [K in BuildVariableKey]: string } = {
  repositoryUri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/rollback-rehearsal',
  taskFamily: 'RollbackRehearsalServiceTaskDef',
  executionRoleArn: 'arn:aws:iam::123456789012:role/RollbackRehearsal-ExecutionRole-ABC',
  taskRoleArn: 'arn:aws:iam::123456789012:role/RollbackRehearsal-TaskRole-DEF',
  logGroupName: '/ecs/rollback-rehearsal',
  containerName: 'app',
  hookFunctionName: 'CodeDeployHook_rollback-rehearsal-test-traffic',
  region: 'eu-west-1',
  appVersion: '0123456789abcdef0123456789abcdef01234567',
  imageUri: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/rollback-rehearsal@sha256:${'a'.repeat(64)}`,
};

/** The sample as an environment, with some variables overridden (undefined removes one). */
export function sampleEnv(
  overrides: Partial<Record<BuildVariableKey, string | undefined>> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of Object.keys(BUILD_VARIABLES) as BuildVariableKey[]) {
    const value = key in overrides ? overrides[key] : SAMPLE[key];
    if (value !== undefined) env[BUILD_VARIABLES[key]] = value;
  }
  return env;
}
