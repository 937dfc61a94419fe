import { STACK_NAMES } from '../../../contract/stack-outputs';
import type { DeploymentControllerName } from '../../../contract/native-strategies';
import { guardCommand } from '../args/guard-command';
import { controllerFlag } from '../args/controller-flag';
import { AWS_POLL, durationFlag } from '../args/flag-values';
import { parseCommandArgs, UsageError } from '../args/parse-command-args';
import { defaultAwsClients, type AwsClients } from '../aws/clients';
import { latestDeployment, type DeploymentGroupRef } from '../aws/find-deployment';
import { deploymentIdOf, formatNativeEvent, formatNativeSummary } from '../aws/format-native';
import { formatWatchEvent, formatWatchSummary } from '../aws/format-watch';
import {
  isServiceDeploymentArn,
  latestServiceDeployment,
  type NativeServiceRef,
} from '../aws/native-deployment';
import { resolveReleaseTarget, type TargetFlags } from '../aws/resolve-controller';
import { watchDeployment, type WatchOutcome } from '../aws/watch-deployment';
import { watchNativeDeployment } from '../aws/watch-native';
import {
  confirmCodeDeployRelease,
  confirmNativeRelease,
  whatRunsClients,
} from '../aws/what-runs/confirm-release';
import { sleepUnlessAborted, type CliDeps, type Command } from '../cli-deps';

const DEFAULT_POLL = '5s';

const HELP = `Usage: npm run rehearse -- watch [options]

Follows a deployment until it ends. Under CodeDeploy: status, each lifecycle event with its time and
result, traffic per task set, the alarm or hook that stopped it, and the rollback. Under native ECS
blue/green: status, each lifecycle stage (TEST_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT, BAKE_TIME, ...),
the hooks' answers, traffic and tasks per service revision, triggered alarms, the circuit breaker and the
rollback. Then it reads what the service runs: after a success the new task set or revision, after a
rollback the previous one, every task healthy where production goes; anything else is a mismatch.
Exits 0 when the deployment succeeded and the service runs it, 1 when it failed, was stopped or rolled
back, or when what runs does not match (outcome mismatch), 130 when interrupted.

Options:
  --deployment-id ID        the deployment to follow: a CodeDeploy id, or a service deployment ARN under
                            the ecs controller (default: the latest one)
  --controller NAME         codedeploy or ecs (default: the stack's DeploymentController output)
  --application NAME        CodeDeploy application (default: stack output)
  --deployment-group NAME   deployment group (default: stack output)
  --cluster NAME            ECS cluster of a native blue/green service (default: stack output)
  --service NAME            ECS service of a native blue/green service (default: stack output)
  --stack NAME              stack whose outputs name them (default: ${STACK_NAMES.service})
  --poll TIME               time between polls (default ${DEFAULT_POLL})
  --json                    print the result as JSON on stdout (events go to stderr)
  -h, --help                show this help`;

const OPTIONS = {
  'deployment-id': { type: 'string' },
  controller: { type: 'string' },
  application: { type: 'string' },
  'deployment-group': { type: 'string' },
  cluster: { type: 'string' },
  service: { type: 'string' },
  stack: { type: 'string' },
  poll: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** Exit code per outcome: only a deployment that succeeded is a success. */
export const WATCH_EXIT: Record<WatchOutcome, number> = {
  succeeded: 0,
  'rolled-back': 1,
  failed: 1,
  stopped: 1,
  'rollback-failed': 1,
  interrupted: 130,
  mismatch: 1,
};

/** The controller the flags imply; flags of the other controller beside it are a usage error. */
function controllerOfFlags(
  flags: TargetFlags,
  deploymentId: string | undefined,
): DeploymentControllerName | undefined {
  const byId =
    deploymentId === undefined ? undefined : isServiceDeploymentArn(deploymentId) ? 'ecs' : 'codedeploy';
  const codeDeployFlags = flags.application !== undefined || flags.deploymentGroup !== undefined;
  const nativeFlags = flags.cluster !== undefined || flags.service !== undefined;
  const controller =
    flags.controller ?? byId ?? (codeDeployFlags ? 'codedeploy' : nativeFlags ? 'ecs' : undefined);
  if (byId !== undefined && controller !== byId) {
    throw new UsageError(
      byId === 'ecs'
        ? `--deployment-id ${deploymentId} is a service deployment ARN, which only the ecs controller has`
        : `--deployment-id under the ecs controller is a service deployment ARN (arn:aws:ecs:...:service-deployment/...), not "${deploymentId}"`,
      '--deployment-id',
    );
  }
  if (controller === 'ecs' && codeDeployFlags)
    throw new UsageError(
      '--application and --deployment-group name a CodeDeploy group, not a native ECS service',
      '--application',
    );
  if (controller === 'codedeploy' && nativeFlags)
    throw new UsageError(
      '--cluster and --service name a native ECS service; CodeDeploy follows its deployment group',
      '--cluster',
    );
  return controller;
}

interface Follow {
  readonly aws: AwsClients;
  readonly deps: CliDeps;
  readonly pollMs: number;
  readonly json: boolean;
  readonly signal: AbortSignal;
}

async function followCodeDeploy(
  f: Follow,
  from: { id: string } | { group: DeploymentGroupRef },
): Promise<number> {
  const { deps } = f;
  const codeDeploy = f.aws.codeDeploy();
  let deploymentId: string;
  if ('id' in from) deploymentId = from.id;
  else {
    const { application, deploymentGroup } = from.group;
    const latest = await latestDeployment(codeDeploy, from.group);
    if (!latest?.deploymentId) {
      deps.stderr.write(`No deployment found in ${application}/${deploymentGroup}.\n`);
      return 1;
    }
    deploymentId = latest.deploymentId;
    deps.stderr.write(
      `Following the latest deployment of ${application}/${deploymentGroup}: ${deploymentId}\n`,
    );
  }
  const events = f.json ? deps.stderr : deps.stdout;
  const watched = await watchDeployment({
    client: codeDeploy,
    deploymentId,
    pollMs: f.pollMs,
    now: deps.now ?? Date.now,
    sleep: deps.sleep ?? sleepUnlessAborted,
    signal: f.signal,
    onEvent: (event) => events.write(`${formatWatchEvent(event)}\n`),
  });
  const result = await confirmCodeDeployRelease(whatRunsClients(f.aws), watched);
  deps.stdout.write(f.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatWatchSummary(result)}\n`);
  return WATCH_EXIT[result.outcome];
}

async function followNative(
  f: Follow,
  from: { arn: string } | { service: NativeServiceRef },
): Promise<number> {
  const { deps } = f;
  const ecs = f.aws.ecs();
  let deploymentArn: string;
  if ('arn' in from) deploymentArn = from.arn;
  else {
    const { cluster, service } = from.service;
    const latest = await latestServiceDeployment(ecs, from.service);
    if (!latest?.serviceDeploymentArn) {
      deps.stderr.write(`No service deployment found for ${cluster}/${service}.\n`);
      return 1;
    }
    deploymentArn = latest.serviceDeploymentArn;
    deps.stderr.write(
      `Following the latest service deployment of ${cluster}/${service}: ${deploymentIdOf(deploymentArn)} (${deploymentArn})\n`,
    );
  }
  const events = f.json ? deps.stderr : deps.stdout;
  const watched = await watchNativeDeployment({
    client: ecs,
    deploymentArn,
    pollMs: f.pollMs,
    now: deps.now ?? Date.now,
    sleep: deps.sleep ?? sleepUnlessAborted,
    signal: f.signal,
    onEvent: (event) => events.write(`${formatNativeEvent(event)}\n`),
  });
  const result = await confirmNativeRelease(whatRunsClients(f.aws), watched);
  deps.stdout.write(f.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatNativeSummary(result)}\n`);
  return WATCH_EXIT[result.outcome];
}

async function run(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
  if (values.help) {
    deps.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`watch takes no arguments, got "${positionals.join(' ')}"`, '--deployment-id');
  const pollMs = durationFlag(values.poll ?? DEFAULT_POLL, '--poll', AWS_POLL);
  const flags: TargetFlags = {
    controller: controllerFlag(values.controller),
    application: values.application,
    deploymentGroup: values['deployment-group'],
    cluster: values.cluster,
    service: values.service,
    stack: values.stack,
  };
  const deploymentId = values['deployment-id'];
  const aws = deps.aws ?? defaultAwsClients();
  const controller = controllerOfFlags(flags, deploymentId);

  const abort = new AbortController();
  const removeInterrupt = deps.onInterrupt?.(() => abort.abort());
  try {
    const follow: Follow = { aws, deps, pollMs, json: values.json, signal: abort.signal };
    if (deploymentId !== undefined)
      return controller === 'ecs'
        ? await followNative(follow, { arn: deploymentId })
        : await followCodeDeploy(follow, { id: deploymentId });
    // Without an id, the latest deployment of the target the flags or the stack's outputs name.
    const target = await resolveReleaseTarget(aws, { ...flags, ...(controller && { controller }) });
    return target.controller === 'ecs'
      ? await followNative(follow, { service: target.service })
      : await followCodeDeploy(follow, { group: target.group });
  } finally {
    removeInterrupt?.();
  }
}

export const watchCommand: Command = {
  summary:
    'follow a deployment to its end (CodeDeploy, or native ECS blue/green): stages, traffic, alarms, rollback',
  run: (argv, deps) => guardCommand(HELP, deps, () => run(argv, deps)),
};
