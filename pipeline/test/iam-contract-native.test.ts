import { runSimulation } from '@cloud-copilot/iam-simulate';
import { CONTRACT_ENV, contractWorld, rowLabel, type ContractWorld } from './iam/contract-world';
import { NATIVE_IAM_CONTRACT, NATIVE_TRUST, type TrustRow } from './iam/native-contract';
import { findNativeFacts } from './iam/native-facts';
import { simulateRow } from './iam/simulate-row';

let contract: ContractWorld;
beforeAll(() => {
  contract = contractWorld('ecs', findNativeFacts);
});
afterAll(() => contract.cleanup());

describe('IAM contract of the ecs controller, simulated against the synthesized template', () => {
  it.each(NATIVE_IAM_CONTRACT.map((row) => [rowLabel(row), row] as const))('%s', async (_label, row) => {
    const outcome = await simulateRow(contract.world, contract.facts, row);
    expect(outcome.explanation).toBe('');
  });
});

/** The role's trust policy decides whether a service principal may assume it. */
async function trusts(row: TrustRow): Promise<boolean> {
  const { world, facts } = contract;
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
        resource: { resource: actor.arn, accountId: CONTRACT_ENV.account },
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
