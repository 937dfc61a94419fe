import { runSimulation } from '@cloud-copilot/iam-simulate';
import { addReleasePipeline } from '../lib/release-pipeline-context';
import type { ReleasePipelineStack } from '../lib/release-pipeline-stack';
import { buildStacks, type BuiltStacks } from './build-stacks';
import { CfnWorld, type CfnTemplate } from './iam/cfn-world';
import type { ContractRow } from './iam/iam-contract';
import { NATIVE_IAM_CONTRACT, NATIVE_TRUST, type TrustRow } from './iam/native-contract';
import { findNativeFacts } from './iam/native-facts';
import type { ReleaseFacts } from './iam/release-facts';
import { simulateRow } from './iam/simulate-row';

const ENV = { account: '123456789012', region: 'eu-west-1', partition: 'aws' };

let built: BuiltStacks;
let world: CfnWorld;
let facts: ReleaseFacts;

beforeAll(() => {
  // Policies do not depend on the bundled code: skip bundling to keep this synthesis quick.
  let pipeline: ReleasePipelineStack | undefined;
  built = buildStacks({
    context: {
      controller: 'ecs',
      'aws:cdk:bundling-stacks': [],
      githubConnectionArn: `arn:aws:codeconnections:${ENV.region}:${ENV.account}:connection/11111111-2222-3333-4444-555555555555`,
      githubOwner: 'example-org',
      githubRepo: 'ecs-rollback-rehearsal',
    },
    beforeSynth: (app, service) => {
      pipeline = addReleasePipeline(app, service, (key) => app.node.tryGetContext(key));
    },
  });
  const assembly = built.app.synth();
  const template = (name: string) => assembly.getStackByName(name).template as CfnTemplate;
  world = new CfnWorld(
    {
      [built.service.stackName]: template(built.service.stackName),
      [pipeline!.stackName]: template(pipeline!.stackName),
    },
    ENV,
  );
  facts = findNativeFacts(world);
});
afterAll(() => built.cleanup());

const label = (row: ContractRow): string =>
  `${row.principal} ${row.expect === 'allow' ? 'may' : 'may not'} ${row.action} on ${row.resource}`;

describe('IAM contract of the ecs controller, simulated against the synthesized template', () => {
  it.each(NATIVE_IAM_CONTRACT.map((row) => [label(row), row] as const))('%s', async (_label, row) => {
    const outcome = await simulateRow(world, facts, row);
    expect(outcome.explanation).toBe('');
  });
});

/** The role's trust policy decides whether a service principal may assume it. */
async function trusts(row: TrustRow): Promise<boolean> {
  const actor = facts.actors[row.role];
  if (actor.kind !== 'role') throw new Error(`${row.role} is not a role`);
  const role = world
    .resourcesOfType('AWS::IAM::Role')
    .find((found) => world.arn(found.stack, found.logicalId) === actor.arn);
  if (role === undefined) throw new Error(`no role has the ARN ${actor.arn}`);
  const trust = world.resolve(role.stack, role.resource.Properties?.AssumeRolePolicyDocument);
  const response = await runSimulation(
    {
      request: {
        principal: row.service,
        action: 'sts:AssumeRole',
        resource: { resource: actor.arn, accountId: ENV.account },
        contextVariables: {},
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: trust as never,
    },
    { simulationMode: 'Strict' },
  );
  if (response.resultType !== 'single') throw new Error(JSON.stringify(response));
  return response.overallResult === 'Allowed';
}

describe('who may assume the roles ECS is given', () => {
  it.each(
    NATIVE_TRUST.map(
      (row) =>
        [`${row.service} ${row.expect === 'allow' ? 'may' : 'may not'} assume the ${row.role}`, row] as const,
    ),
  )('%s', async (_label, row) => {
    await expect(trusts(row)).resolves.toBe(row.expect === 'allow');
  });
});
