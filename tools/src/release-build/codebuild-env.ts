import {
  BUILD_VARIABLES,
  PROJECT_VARIABLE_KEYS,
  type ProjectVariableKey,
} from '../../../contract/build-variables';
import { settings } from '../../../contract/settings';
import { STAND_IN_ACCOUNT } from './aws-stand-in';

/*
 * The environment a release build starts with, in three parts:
 * 1. what CodeBuild itself sets for every build (CodeBuild User Guide, "Environment variables in build
 *    environments"), with the values a build started by CodePipeline gets;
 * 2. what the pipeline stack sets on the project: the names are contract/build-variables.ts's
 *    PROJECT_VARIABLE_KEYS, the very list pipeline/lib/release-pipeline.ts maps onto the project, and a
 *    value for each key is required by the type below, so a new project variable cannot be forgotten here;
 * 3. what the pipeline's build action sets: APP_VERSION, the commit the source action fetched.
 * Everything else from the caller's environment is left out, but for PATH, HOME and what npm needs to
 * reach its registry from this machine.
 */

/** Variables a build here needs from the machine (CodeBuild's image has its own equivalents). */
const FROM_MACHINE = [
  'PATH',
  'HOME',
  'USER',
  'LANG',
  'TMPDIR',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
];

export interface BuildEnvironmentInput {
  /** The commit being built. */
  readonly commit: string;
  /** The exported source (CODEBUILD_SRC_DIR). */
  readonly srcDir: string;
  readonly region: string;
  /** The stand-in registry's repository, `127.0.0.1:<port>/<name>`. */
  readonly repositoryUri: string;
  /** Prepended to PATH: the docker and aws stand-ins. */
  readonly binDir: string;
  /** A build id suffix (CodeBuild uses a UUID). */
  readonly buildUuid: string;
  /** The caller's environment, from which only {@link FROM_MACHINE} is taken. */
  readonly machine: NodeJS.ProcessEnv;
}

/** Project name CodeBuild would show; only the rehearsal's own output uses it. */
export const PROJECT_NAME = 'RollbackRehearsalRelease';

/** Values for the project variables the pipeline stack sets, as a deployed stack in the stand-in account has them. */
export function projectVariableValues(
  repositoryUri: string,
  region: string,
): { readonly [K in ProjectVariableKey]: string } {
  return {
    repositoryUri,
    taskFamily: settings.serviceName,
    executionRoleArn: `arn:aws:iam::${STAND_IN_ACCOUNT}:role/RollbackRehearsalService-TaskExecutionRole`,
    taskRoleArn: `arn:aws:iam::${STAND_IN_ACCOUNT}:role/RollbackRehearsalService-TaskRole`,
    logGroupName: `/aws/ecs/${settings.serviceName}-${region}`,
    containerName: settings.container.name,
    hookFunctionName: settings.hook.functionName,
  };
}

/** The whole environment of the rehearsed build. */
export function buildEnvironment(input: BuildEnvironmentInput): Record<string, string> {
  const machine = Object.fromEntries(
    FROM_MACHINE.flatMap((name) => {
      const value = input.machine[name];
      return value === undefined ? [] : [[name, value]];
    }),
  );
  const project = projectVariableValues(input.repositoryUri, input.region);
  return {
    ...machine,
    PATH: `${input.binDir}:${input.machine.PATH ?? '/usr/local/bin:/usr/bin:/bin'}`,
    HOME: input.machine.HOME ?? '/root',
    CODEBUILD_CI: 'true',
    CODEBUILD_BUILD_ID: `${PROJECT_NAME}:${input.buildUuid}`,
    CODEBUILD_BUILD_ARN: `arn:aws:codebuild:${input.region}:${STAND_IN_ACCOUNT}:build/${PROJECT_NAME}:${input.buildUuid}`,
    CODEBUILD_BUILD_NUMBER: '1',
    CODEBUILD_INITIATOR: 'codepipeline/RollbackRehearsalPipeline',
    CODEBUILD_SRC_DIR: input.srcDir,
    CODEBUILD_SOURCE_VERSION: input.commit,
    CODEBUILD_RESOLVED_SOURCE_VERSION: input.commit,
    CODEBUILD_BUILD_SUCCEEDING: '1',
    AWS_REGION: input.region,
    AWS_DEFAULT_REGION: input.region,
    ...Object.fromEntries(PROJECT_VARIABLE_KEYS.map((key) => [BUILD_VARIABLES[key], project[key]])),
    [BUILD_VARIABLES.appVersion]: input.commit,
  };
}
