import { Annotations, Token, type App, type Stack } from 'aws-cdk-lib';
import type { GitHubSource, ReleaseTarget } from './release-pipeline';
import { ReleasePipelineStack } from './release-pipeline-stack';
import { STACK_NAMES } from '../../contract/stack-outputs';

/** Context keys of the release pipeline and what they hold; docs/deploy.md's table is written from this list. */
export const PIPELINE_CONTEXT_KEYS = {
  githubConnectionArn: 'ARN of an AVAILABLE (authorised) CodeConnections connection to GitHub',
  githubOwner: 'GitHub user or organisation that owns the repository',
  githubRepo: 'repository name',
  githubBranch: 'branch whose pushes release (default main)',
} as const;

export type PipelineContextKey = keyof typeof PIPELINE_CONTEXT_KEYS;

const REQUIRED: readonly PipelineContextKey[] = ['githubConnectionArn', 'githubOwner', 'githubRepo'];

const RULES: Record<PipelineContextKey, { pattern: RegExp; allowed: string }> = {
  githubConnectionArn: {
    pattern:
      /^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/,
    allowed: 'arn:aws:codeconnections:<region>:<account>:connection/<id>',
  },
  githubOwner: {
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/,
    allowed: 'a GitHub user or organisation name',
  },
  githubRepo: { pattern: /^[A-Za-z0-9._-]{1,100}$/, allowed: 'a GitHub repository name' },
  githubBranch: { pattern: /^[A-Za-z0-9._/-]{1,255}$/, allowed: 'a branch name' },
};

/**
 * Reads the pipeline's context. Returns undefined when none of the required keys is given (the pipeline is
 * optional: the service stack deploys on its own), throws when only some are, or one is malformed.
 */
export function parsePipelineContext(get: (key: PipelineContextKey) => unknown): GitHubSource | undefined {
  const raw = Object.fromEntries(
    (Object.keys(RULES) as PipelineContextKey[]).map((key) => {
      const value = get(key);
      if (value === undefined || value === null || value === '') return [key, undefined];
      return [key, typeof value === 'string' ? value : JSON.stringify(value)];
    }),
  ) as Record<PipelineContextKey, string | undefined>;
  const given = REQUIRED.filter((key) => raw[key] !== undefined);
  if (given.length === 0) return undefined;
  const problems = [
    ...REQUIRED.filter((key) => raw[key] === undefined).map(
      (key) => `context ${key} is missing (${PIPELINE_CONTEXT_KEYS[key]})`,
    ),
    ...(Object.keys(RULES) as PipelineContextKey[])
      .filter((key) => raw[key] !== undefined && !RULES[key].pattern.test(raw[key]))
      .map(
        (key) => `context ${key}=${JSON.stringify(raw[key])} is not valid; expected ${RULES[key].allowed}`,
      ),
  ];
  if (problems.length > 0) {
    throw new Error(`The release pipeline needs all of ${REQUIRED.join(', ')}:\n  ${problems.join('\n  ')}`);
  }
  return {
    connectionArn: raw.githubConnectionArn!,
    owner: raw.githubOwner!,
    repo: raw.githubRepo!,
    ...(raw.githubBranch === undefined ? {} : { branch: raw.githubBranch }),
  };
}

/** The warning shown when the pipeline is left out, with the command that adds it. */
export const PIPELINE_SKIPPED_WARNING = `${STACK_NAMES.pipeline} is not synthesized: no GitHub connection given. Add githubConnectionArn, githubOwner and githubRepo to deploy-settings.json, next to the service's settings, so that every later deploy reads them (see docs/deploy.md, "Deploy settings").`;

/**
 * Adds the release pipeline stack for `service` when the context names a GitHub repository, and otherwise
 * a warning on the service stack; synthesis never needs GitHub, so it works offline.
 */
export function addReleasePipeline(
  app: App,
  service: Stack & ReleaseTarget,
  get: (key: PipelineContextKey) => unknown,
): ReleasePipelineStack | undefined {
  const source = parsePipelineContext(get);
  if (source === undefined) {
    Annotations.of(service).addWarningV2('rollback-rehearsal:pipelineSkipped', PIPELINE_SKIPPED_WARNING);
    return undefined;
  }
  // Cross-stack references need both stacks in one environment: follow the service's, agnostic or not.
  const agnostic = Token.isUnresolved(service.account) || Token.isUnresolved(service.region);
  return new ReleasePipelineStack(app, STACK_NAMES.pipeline, {
    description:
      'ecs-rollback-rehearsal: CodePipeline V2 release of the service (GitHub, CodeBuild, CodeDeploy blue/green)',
    source,
    target: service,
    ...(agnostic ? {} : { env: { account: service.account, region: service.region } }),
  });
}
