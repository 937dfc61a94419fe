import { readFile } from 'node:fs/promises';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { GetDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { OUTPUT_KEYS, STACK_NAMES } from '../../../contract/stack-outputs';
import type { AwsClients } from '../aws/clients';
import { describeError } from '../aws/describe-error';
import { ACTIVE_STATUSES, listDeploymentIds, type DeploymentGroupRef } from '../aws/find-deployment';
import { readStackOutputs, requireOutput } from '../aws/stack-outputs';
import { readFaults } from '../flip/taskdef-faults';
import type { GitRunner } from '../git/run-git';

/** One preflight check and what it found. */
export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** What the drill needs from a passed preflight. */
export interface DrillTarget {
  readonly account: string;
  readonly albUrl: string;
  readonly group: DeploymentGroupRef;
  readonly alarmNames: readonly string[];
  readonly branch: string;
}

export interface PreflightResult {
  readonly checks: Check[];
  readonly target?: DrillTarget;
}

export interface PreflightInput {
  readonly aws: AwsClients;
  readonly git: GitRunner;
  readonly cwd: string;
  readonly taskdefFile: string;
  /** The branch whose pushes start a release. */
  readonly branch: string;
  readonly stackName?: string;
}

/**
 * Every condition a rehearsal needs before it flips anything: who we are in AWS, the deployed stack, a
 * clean tree on the release branch with no fault already flipped, no deployment in progress, and every
 * alarm of the deployment group in OK. Checks after a failed prerequisite are skipped, not thrown.
 */
export async function runPreflight(input: PreflightInput): Promise<PreflightResult> {
  const checks: Check[] = [];
  const check = async <T>(
    name: string,
    body: () => Promise<{ ok: boolean; detail: string; value?: T }>,
  ): Promise<T | undefined> => {
    try {
      const { ok, detail, value } = await body();
      checks.push({ name, ok, detail });
      return ok ? value : undefined;
    } catch (error) {
      checks.push({ name, ok: false, detail: describeError(error) });
      return undefined;
    }
  };

  const account = await check('AWS credentials', async () => {
    const id = await input.aws.sts().send(new GetCallerIdentityCommand({}));
    return { ok: true, detail: `${id.Arn ?? '?'} (account ${id.Account ?? '?'})`, value: id.Account ?? '?' };
  });

  const stackName = input.stackName ?? STACK_NAMES.service;
  const outputs =
    account === undefined
      ? undefined
      : await check('stack outputs', async () => {
          const read = await readStackOutputs(input.aws.cloudFormation(), stackName);
          const value = {
            albUrl: requireOutput(read, OUTPUT_KEYS.albUrl),
            group: {
              application: requireOutput(read, OUTPUT_KEYS.codeDeployApplication),
              deploymentGroup: requireOutput(read, OUTPUT_KEYS.deploymentGroup),
            },
          };
          return {
            ok: true,
            detail: `${stackName}: ${value.albUrl}, ${value.group.application}/${value.group.deploymentGroup}`,
            value,
          };
        });

  const branch = await check('git tree', async () => {
    const status = await input.git(['status', '--porcelain', '--untracked-files=no'], input.cwd);
    if (status.code !== 0) return { ok: false, detail: `git status failed: ${status.stderr.trim()}` };
    const current = (await input.git(['rev-parse', '--abbrev-ref', 'HEAD'], input.cwd)).stdout.trim();
    if (current !== input.branch) {
      return { ok: false, detail: `on branch "${current}"; releases start from pushes to "${input.branch}"` };
    }
    const dirty = status.stdout.trim();
    return dirty
      ? { ok: false, detail: `uncommitted changes would ride along with the flip:\n${dirty}` }
      : { ok: true, detail: `clean, on ${current}`, value: current };
  });

  await check('no fault flipped', async () => {
    const faults = readFaults(await readFile(input.taskdefFile, 'utf8'), input.taskdefFile);
    return faults === ''
      ? { ok: true, detail: 'FAULTS is empty in taskdef.json', value: true }
      : {
          ok: false,
          detail: `FAULTS is already "${faults}"; restore first: npm run rehearse -- flip --clear --commit`,
        };
  });

  let alarmNames: string[] | undefined;
  if (outputs) {
    const codeDeploy = input.aws.codeDeploy();
    await check('no deployment in progress', async () => {
      const active = await listDeploymentIds(codeDeploy, outputs.group, { statuses: ACTIVE_STATUSES });
      return active.length === 0
        ? { ok: true, detail: 'none', value: true }
        : {
            ok: false,
            detail: `${active.join(', ')} still running; wait for it (npm run rehearse -- watch)`,
          };
    });
    alarmNames = await check('alarms OK', async () => {
      const { deploymentGroupInfo } = await codeDeploy.send(
        new GetDeploymentGroupCommand({
          applicationName: outputs.group.application,
          deploymentGroupName: outputs.group.deploymentGroup,
        }),
      );
      const config = deploymentGroupInfo?.alarmConfiguration;
      const names = (config?.alarms ?? [])
        .map((alarm) => alarm.name)
        .filter((n): n is string => n !== undefined);
      if (!config?.enabled || names.length === 0) {
        return {
          ok: false,
          detail: 'the deployment group watches no alarms, so nothing can stop a bad release',
        };
      }
      const { MetricAlarms = [], CompositeAlarms = [] } = await input.aws
        .cloudWatch()
        .send(new DescribeAlarmsCommand({ AlarmNames: names }));
      const states = new Map<string, string>();
      for (const alarm of [...MetricAlarms, ...CompositeAlarms])
        states.set(alarm.AlarmName ?? '?', alarm.StateValue ?? '?');
      const notOk = names
        .filter((name) => states.get(name) !== 'OK')
        .map((name) => `${name} is ${states.get(name) ?? 'missing'}`);
      return notOk.length === 0
        ? { ok: true, detail: `${names.length} alarms OK`, value: names }
        : { ok: false, detail: notOk.join('; ') };
    });
  }

  if (!checks.every((c) => c.ok) || !account || !outputs || !branch || !alarmNames) return { checks };
  return { checks, target: { account, albUrl: outputs.albUrl, group: outputs.group, alarmNames, branch } };
}
