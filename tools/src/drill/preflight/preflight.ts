import { readFile } from 'node:fs/promises';
import { GetDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { DeploymentControllerName } from '../../../../contract/native-strategies';
import { OUTPUT_KEYS, STACK_NAMES } from '../../../../contract/stack-outputs';
import type { AwsClients } from '../../aws/clients';
import { describeError } from '../../aws/describe-error';
import { ACTIVE_STATUSES, listDeploymentIds, type DeploymentGroupRef } from '../../aws/find-deployment';
import { controllerOf, releaseTargetOf, type ReleaseTargetRef } from '../../aws/resolve-controller';
import { readStackOutputs, requireOutput } from '../../aws/stack-outputs';
import { readFaults } from '../../flip/taskdef-faults';
import type { GitRunner } from '../../git/run-git';
import type { GateHold } from '../../../../core/model/gate-time';
import { alarmsAllOk } from './alarm-states';
import { gateDeployed } from './gate-preflight';
import { deploymentAlarmsOk, noServiceDeploymentInProgress, productionWeightsOk } from './native-preflight';
import type { Found } from './preflight-finding';

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
  /** The deployment group, or the native ECS service, whose deployments the drill follows. */
  readonly release: ReleaseTargetRef;
  readonly alarmNames: readonly string[];
  readonly branch: string;
  /** With `--gate`: the hold the stack makes before production traffic, and where green's test traffic goes. */
  readonly gate?: { readonly hold: GateHold; readonly testUrl: string };
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
  /** @default the stack's DeploymentController output */
  readonly controller?: DeploymentControllerName;
  /** `drill --gate`: the stack must hold releases before production traffic. */
  readonly gate?: boolean;
}

/** Runs one check and records it; a thrown error fails the check, it never ends the preflight. */
function checker(checks: Check[]) {
  return async <T>(name: string, body: () => Promise<Found<T>>): Promise<T | undefined> => {
    try {
      const { ok, detail, value } = await body();
      checks.push({ name, ok, detail });
      return ok ? value : undefined;
    } catch (error) {
      checks.push({ name, ok: false, detail: describeError(error) });
      return undefined;
    }
  };
}

interface ServiceOutputs {
  readonly albUrl: string;
  readonly release: ReleaseTargetRef;
  /** Read only when the drill probes green at the gate. */
  readonly testUrl?: string;
}

async function callerAccount(aws: AwsClients): Promise<Found<string>> {
  const id = await aws.sts().send(new GetCallerIdentityCommand({}));
  return { ok: true, detail: `${id.Arn ?? '?'} (account ${id.Account ?? '?'})`, value: id.Account ?? '?' };
}

async function serviceOutputs(
  aws: AwsClients,
  stackName: string,
  controller: DeploymentControllerName | undefined,
  gate: boolean,
): Promise<Found<ServiceOutputs>> {
  const read = await readStackOutputs(aws.cloudFormation(), stackName);
  const release = releaseTargetOf(read, controller ?? controllerOf(read));
  const value = {
    albUrl: requireOutput(read, OUTPUT_KEYS.albUrl),
    release,
    ...(gate && { testUrl: requireOutput(read, OUTPUT_KEYS.testListenerUrl) }),
  };
  const where =
    release.controller === 'ecs'
      ? `native ECS blue/green ${release.service.cluster}/${release.service.service}`
      : `${release.group.application}/${release.group.deploymentGroup}`;
  return { ok: true, detail: `${stackName}: ${value.albUrl}, ${where}`, value };
}

async function cleanReleaseBranch(input: PreflightInput): Promise<Found<string>> {
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
}

async function noFaultFlipped(taskdefFile: string): Promise<Found<true>> {
  const faults = readFaults(await readFile(taskdefFile, 'utf8'), taskdefFile);
  return faults === ''
    ? { ok: true, detail: 'FAULTS is empty in taskdef.json', value: true }
    : {
        ok: false,
        detail: `FAULTS is already "${faults}"; restore first: npm run rehearse -- flip --clear --commit`,
      };
}

async function noDeploymentInProgress(aws: AwsClients, group: DeploymentGroupRef): Promise<Found<true>> {
  const active = await listDeploymentIds(aws.codeDeploy(), group, { statuses: ACTIVE_STATUSES });
  return active.length === 0
    ? { ok: true, detail: 'none', value: true }
    : { ok: false, detail: `${active.join(', ')} still running; wait for it (npm run rehearse -- watch)` };
}

async function alarmsOk(aws: AwsClients, group: DeploymentGroupRef): Promise<Found<string[]>> {
  const { deploymentGroupInfo } = await aws.codeDeploy().send(
    new GetDeploymentGroupCommand({
      applicationName: group.application,
      deploymentGroupName: group.deploymentGroup,
    }),
  );
  const config = deploymentGroupInfo?.alarmConfiguration;
  const names = (config?.alarms ?? []).map((alarm) => alarm.name).filter((n): n is string => n !== undefined);
  if (!config?.enabled || names.length === 0) {
    return { ok: false, detail: 'the deployment group watches no alarms, so nothing can stop a bad release' };
  }
  return alarmsAllOk(aws, names);
}

/**
 * Every condition a rehearsal needs before it flips anything: who we are in AWS, the deployed stack, a
 * clean tree on the release branch with no fault already flipped, no deployment in progress, and every
 * alarm that can stop the release (the deployment group's, or the service's deployment alarms) in OK, and
 * under native ECS production reaching only target groups with healthy targets; with `gate`, a hold before
 * production traffic deployed. Checks after a failed
 * prerequisite are skipped, not thrown.
 */
export async function runPreflight(input: PreflightInput): Promise<PreflightResult> {
  const checks: Check[] = [];
  const check = checker(checks);
  const account = await check('AWS credentials', () => callerAccount(input.aws));
  const stackName = input.stackName ?? STACK_NAMES.service;
  const outputs =
    account &&
    (await check('stack outputs', () =>
      serviceOutputs(input.aws, stackName, input.controller, input.gate === true),
    ));
  const branch = await check('git tree', () => cleanReleaseBranch(input));
  await check('no fault flipped', () => noFaultFlipped(input.taskdefFile));
  let alarmNames: string[] | undefined;
  const release = outputs ? outputs.release : undefined;
  if (release?.controller === 'ecs') {
    await check('no deployment in progress', () => noServiceDeploymentInProgress(input.aws, release.service));
    alarmNames = await check('alarms OK', () => deploymentAlarmsOk(input.aws, release.service));
    await check('production weights', () => productionWeightsOk(input.aws, release.service));
  } else if (release?.controller === 'codedeploy') {
    await check('no deployment in progress', () => noDeploymentInProgress(input.aws, release.group));
    alarmNames = await check('alarms OK', () => alarmsOk(input.aws, release.group));
  }
  const hold =
    release && input.gate ? await check('gate', () => gateDeployed(input.aws, release)) : undefined;
  if (!checks.every((c) => c.ok) || !account || !outputs || !branch || !alarmNames) return { checks };
  const gate = hold && outputs.testUrl !== undefined ? { hold, testUrl: outputs.testUrl } : undefined;
  return {
    checks,
    target: {
      account,
      albUrl: outputs.albUrl,
      release: outputs.release,
      alarmNames,
      branch,
      ...(gate && { gate }),
    },
  };
}
