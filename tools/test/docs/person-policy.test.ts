/**
 * The runbook's policies for a person who runs rollback, undo and continue, simulated with a real IAM
 * policy evaluator (@cloud-copilot/iam-simulate, a devDependency used only by the tests): every call those
 * commands make, on the resource they make it on, is allowed, and the same call on another service is not.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { markdownSection } from '../../../contract/test/support/markdown';

const ROOT = path.resolve(__dirname, '../../..');
const ACCOUNT = '123456789012';
const PLACES: Readonly<Record<string, string>> = {
  REGION: 'eu-west-1',
  ACCOUNT,
  APPLICATION: 'RollbackRehearsal-App',
  GROUP: 'RollbackRehearsal-DG',
  CLUSTER: 'rehearsal-cluster',
  SERVICE: 'rollback-rehearsal',
};

const fill = (text: string, places: Readonly<Record<string, string>> = PLACES): string =>
  text.replace(/\b(REGION|ACCOUNT|APPLICATION|GROUP|CLUSTER|SERVICE)\b/g, (name) => places[name]!);

/** The runbook's JSON policies, by the controller whose calls they grant. */
function policies(): Record<'codedeploy' | 'ecs', unknown> {
  const section = markdownSection(
    fs.readFileSync(path.join(ROOT, 'docs/runbook.md'), 'utf8'),
    'Permissions for the person who rehearses',
    'docs/runbook.md',
  );
  const blocks = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const codedeploy = blocks.find((b) => b.includes('codedeploy:'));
  const ecs = blocks.find((b) => !b.includes('codedeploy:') && b.includes('ecs:UpdateService'));
  if (codedeploy === undefined || ecs === undefined) throw new Error('the runbook lost a policy block');
  return { codedeploy: JSON.parse(fill(codedeploy)) as unknown, ecs: JSON.parse(fill(ecs)) as unknown };
}

const GROUP_ARN = fill('arn:aws:codedeploy:REGION:ACCOUNT:deploymentgroup:APPLICATION/GROUP');
const SERVICE_ARN = fill('arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/SERVICE');
const DEPLOYMENT_ARN = fill('arn:aws:ecs:REGION:ACCOUNT:service-deployment/CLUSTER/SERVICE/sd-1');
const REVISION_ARN = fill('arn:aws:ecs:REGION:ACCOUNT:service-revision/CLUSTER/SERVICE/123');

/** Each call the commands make beyond watch, with the resource they make it on. */
const CALLS: Record<'codedeploy' | 'ecs', readonly (readonly [string, string])[]> = {
  codedeploy: [
    ['codedeploy:ListDeployments', GROUP_ARN],
    ['codedeploy:BatchGetDeployments', GROUP_ARN],
    ['codedeploy:CreateDeployment', GROUP_ARN],
    ['codedeploy:ContinueDeployment', '*'],
    ['codedeploy:StopDeployment', '*'],
    ['ecs:DescribeTaskDefinition', '*'],
  ],
  ecs: [
    ['ecs:ListServiceDeployments', SERVICE_ARN],
    ['ecs:DescribeServiceDeployments', DEPLOYMENT_ARN],
    ['ecs:ContinueServiceDeployment', DEPLOYMENT_ARN],
    ['ecs:StopServiceDeployment', DEPLOYMENT_ARN],
    ['ecs:DescribeServiceRevisions', REVISION_ARN],
    ['ecs:UpdateService', SERVICE_ARN],
    ['ecs:DescribeTaskDefinition', '*'],
  ],
};

/** What `drill --gate` calls beyond watch and drill: `continue`'s and `rollback`'s calls on a held release. */
const GATE_DRILL_CALLS: Record<'codedeploy' | 'ecs', readonly (readonly [string, string])[]> = {
  codedeploy: [
    ['codedeploy:ListDeployments', GROUP_ARN],
    ['codedeploy:ContinueDeployment', '*'],
    ['codedeploy:StopDeployment', '*'],
  ],
  ecs: [
    ['ecs:ListServiceDeployments', SERVICE_ARN],
    ['ecs:DescribeServiceDeployments', DEPLOYMENT_ARN],
    ['ecs:ContinueServiceDeployment', DEPLOYMENT_ARN],
  ],
};

async function decide(policy: unknown, action: string, resource: string): Promise<string> {
  const response = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:user/rehearser`,
        action,
        resource: { resource, accountId: ACCOUNT },
        contextVariables: {},
      },
      identityPolicies: [{ name: 'rehearser', policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    { simulationMode: 'Strict' },
  );
  if (response.resultType === 'error') return `error: ${JSON.stringify(response.errors)}`;
  return response.resultType === 'single' ? response.overallResult : 'wildcard';
}

describe("the runbook's policies for rollback, undo and continue", () => {
  it.each(['codedeploy', 'ecs'] as const)(
    'allow every call the commands make under %s',
    async (controller) => {
      const policy = policies()[controller];
      const decisions = await Promise.all(
        CALLS[controller].map(
          async ([action, resource]) => `${action} ${await decide(policy, action, resource)}`,
        ),
      );
      expect(decisions).toEqual(CALLS[controller].map(([action]) => `${action} Allowed`));
    },
  );

  it.each(['codedeploy', 'ecs'] as const)(
    'allow every call drill --gate adds under %s',
    async (controller) => {
      const policy = policies()[controller];
      const decisions = await Promise.all(
        GATE_DRILL_CALLS[controller].map(
          async ([action, resource]) => `${action} ${await decide(policy, action, resource)}`,
        ),
      );
      expect(decisions).toEqual(GATE_DRILL_CALLS[controller].map(([action]) => `${action} Allowed`));
    },
  );

  it('keep the calls that take a resource to the stack’s own group and service', async () => {
    const { codedeploy, ecs } = policies();
    const otherGroup = GROUP_ARN.replace('RollbackRehearsal-DG', 'SomeoneElse-DG');
    const otherService = SERVICE_ARN.replace('rollback-rehearsal', 'payments');
    expect(await decide(codedeploy, 'codedeploy:CreateDeployment', otherGroup)).not.toBe('Allowed');
    expect(await decide(ecs, 'ecs:UpdateService', otherService)).not.toBe('Allowed');
  });
});
