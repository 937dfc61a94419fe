import { BUILD_VARIABLES, type BuildVariableKey } from '../../contract/build-variables';
import { ReleaseInputError } from './release-input-error';

/** The validated build variables, keyed like {@link BUILD_VARIABLES}. */
export type ReleaseVariables = { readonly [K in BuildVariableKey]: string };

interface Rule {
  readonly pattern: RegExp;
  readonly allowed: string;
}

const ROLE_ARN: Rule = {
  pattern: /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
  allowed: 'an IAM role ARN, arn:<partition>:iam::<12-digit account>:role/<name>',
};

/*
 * ECR's registry host, or a registry on loopback: the release-build rehearsal (tools/src/release-build/)
 * pushes to one standing in for ECR. No stack can produce a loopback URI, so this admits no real mistake.
 */
const REGISTRY = String.raw`(\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?|127\.0\.0\.1:\d{1,5})`;
const REPOSITORY = '[a-z0-9][a-z0-9._/-]{1,255}';

// Patterns follow the limits in the ECS, ECR, CloudWatch Logs and Lambda API references.
const RULES: { readonly [K in BuildVariableKey]: Rule } = {
  repositoryUri: {
    pattern: new RegExp(`^${REGISTRY}\\/${REPOSITORY}$`),
    allowed:
      'an ECR repository URI, <account>.dkr.ecr.<region>.amazonaws.com/<name>, without tag or digest (or a loopback registry, 127.0.0.1:<port>/<name>, for the release-build rehearsal)',
  },
  taskFamily: { pattern: /^[A-Za-z0-9_-]{1,255}$/, allowed: 'up to 255 letters, digits, "-" and "_"' },
  executionRoleArn: ROLE_ARN,
  taskRoleArn: ROLE_ARN,
  logGroupName: { pattern: /^[.\-_/#A-Za-z0-9]{1,512}$/, allowed: 'a CloudWatch Logs group name' },
  containerName: { pattern: /^[A-Za-z0-9_-]{1,255}$/, allowed: 'up to 255 letters, digits, "-" and "_"' },
  // The AWSCodeDeployRoleForECSLimited managed policy lets CodeDeploy invoke only functions named
  // CodeDeployHook_* (AWSCodeDeployRoleForECS allows any function); the service stack's CodeDeploy role uses
  // the Limited one (AWS Managed Policy Reference, "AWSCodeDeployRoleForECSLimited").
  hookFunctionName: {
    pattern: /^CodeDeployHook_[A-Za-z0-9_-]{1,49}$/,
    allowed: 'a Lambda function name starting with "CodeDeployHook_" (at most 64 characters)',
  },
  region: { pattern: /^[a-z]{2}(-[a-z]+)+-\d$/, allowed: 'an AWS region such as eu-west-1' },
  appVersion: {
    pattern: /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/,
    allowed: 'an image tag (letters, digits, "_", "." and "-", at most 128), normally the commit SHA',
  },
  imageUri: {
    pattern: new RegExp(`^${REGISTRY}\\/${REPOSITORY}@sha256:[a-f0-9]{64}$`),
    allowed: 'the pushed image by digest, <repository uri>@sha256:<64 hex digits>',
  },
};

/**
 * Reads and checks every build variable, reporting all that are missing or malformed at once (a build
 * that fails one variable at a time wastes a pipeline run per variable).
 */
export function readReleaseVariables(env: NodeJS.ProcessEnv): ReleaseVariables {
  const problems: string[] = [];
  const values: Partial<Record<BuildVariableKey, string>> = {};
  for (const key of Object.keys(BUILD_VARIABLES) as BuildVariableKey[]) {
    const name = BUILD_VARIABLES[key];
    const value = env[name];
    const rule = RULES[key];
    if (value === undefined || value === '') {
      problems.push(`${name} is not set; expected ${rule.allowed}`);
    } else if (!rule.pattern.test(value)) {
      problems.push(`${name}=${JSON.stringify(value)} is not valid; expected ${rule.allowed}`);
    } else {
      values[key] = value;
    }
  }
  const imageUri = values.imageUri;
  const repositoryUri = values.repositoryUri;
  if (imageUri !== undefined && repositoryUri !== undefined && !imageUri.startsWith(`${repositoryUri}@`)) {
    problems.push(
      `${BUILD_VARIABLES.imageUri}=${JSON.stringify(imageUri)} is not in ${BUILD_VARIABLES.repositoryUri} (${repositoryUri})`,
    );
  }
  if (problems.length > 0) {
    throw new ReleaseInputError(
      'build variables',
      `${problems.length} not usable:\n  ${problems.join('\n  ')}`,
    );
  }
  return values as ReleaseVariables;
}
