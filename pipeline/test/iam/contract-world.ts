/**
 * What both controllers' IAM contract tests share: the service and pipeline stacks synthesized for one
 * controller, resolved into a {@link CfnWorld}, the facts its rows refer to, and each row's test name.
 */
import type { DeploymentControllerName } from '../../../contract/native-strategies';
import { addReleasePipeline } from '../../lib/release-pipeline-context';
import type { ReleasePipelineStack } from '../../lib/release-pipeline-stack';
import { buildStacks } from '../build-stacks';
import { CfnWorld, type CfnTemplate } from './cfn-world';
import type { ContractRow } from './iam-contract';
import type { ReleaseFacts } from './release-facts';

export const CONTRACT_ENV = { account: '123456789012', region: 'eu-west-1', partition: 'aws' };

/** The GitHub keys that add the pipeline stack, with a connection ARN of the contract's account. */
const GITHUB = {
  githubConnectionArn: `arn:aws:codeconnections:${CONTRACT_ENV.region}:${CONTRACT_ENV.account}:connection/11111111-2222-3333-4444-555555555555`,
  githubOwner: 'example-org',
  githubRepo: 'ecs-rollback-rehearsal',
};

export interface ContractWorld {
  readonly world: CfnWorld;
  readonly facts: ReleaseFacts;
  readonly cleanup: () => void;
}

/**
 * Synthesizes both stacks under `controller` and finds the row facts in them. Policies do not depend on
 * the bundled code, so bundling is skipped.
 */
export function contractWorld(
  controller: DeploymentControllerName,
  findFacts: (world: CfnWorld) => ReleaseFacts,
): ContractWorld {
  let pipeline: ReleasePipelineStack | undefined;
  const built = buildStacks({
    context: { controller, 'aws:cdk:bundling-stacks': [], ...GITHUB },
    beforeSynth: (app, service) => {
      pipeline = addReleasePipeline(app, service, (key) => app.node.tryGetContext(key));
    },
  });
  const assembly = built.app.synth();
  const template = (name: string) => assembly.getStackByName(name).template as CfnTemplate;
  const world = new CfnWorld(
    {
      [built.service.stackName]: template(built.service.stackName),
      [pipeline!.stackName]: template(pipeline!.stackName),
    },
    CONTRACT_ENV,
  );
  return { world, facts: findFacts(world), cleanup: built.cleanup };
}

/** A row as a test name: who may (not) make which call on what, with the context keys AWS sets. */
export function rowLabel(row: ContractRow): string {
  const context =
    row.context === undefined
      ? ''
      : ` (${Object.entries(row.context)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')})`;
  return `${row.principal} ${row.expect === 'allow' ? 'may' : 'may not'} ${row.action} on ${row.resource}${context}`;
}
