import { STACK_NAMES } from '../../../contract/stack-outputs';
import type { DeploymentControllerName } from '../../../contract/native-strategies';
import { EXIT, exitCodesHelp } from '../args/exit-codes';
import { guardCommand } from '../args/guard-command';
import { TARGET_OPTIONS, targetFlags } from '../args/target-flags';
import { AWS_POLL, durationFlag, TIMER_DURATION } from '../args/flag-values';
import { parseCommandArgs, UsageError } from '../args/parse-command-args';
import { defaultAwsClients, type AwsClients } from '../aws/clients';
import { describeCommitEnd, followCommit } from '../codepipeline/follow-commit';
import { describePipelineEnd } from '../codepipeline/follow-execution';
import { runGit } from '../git/run-git';
import { runWatchLocal } from '../up/watch-local';
import { latestDeployment, type DeploymentGroupRef } from '../aws/find-deployment';
import { deploymentIdOf, formatNativeEvent, formatNativeSummary } from '../aws/format-native';
import { formatWatchEvent, formatWatchSummary } from '../aws/format-watch';
import {
  isServiceDeploymentArn,
  latestServiceDeployment,
  type NativeServiceRef,
} from '../aws/native-deployment';
import { resolveReleaseTarget, type ReleaseTargetRef, type TargetFlags } from '../aws/resolve-controller';
import { watchDeployment, type WatchOutcome } from '../aws/watch-deployment';
import { watchNativeDeployment } from '../aws/watch-native';
import {
  confirmCodeDeployRelease,
  confirmNativeRelease,
  whatRunsClients,
} from '../aws/what-runs/confirm-release';
import { sleepUnlessAborted, type CliDeps, type Command } from '../cli-deps';
import { writeJson } from '../terminal/json-output';

const DEFAULT_POLL = '5s';

/** How long `--commit` waits for the pipeline to start an execution, then for its deployment to appear. */
const START_WITHIN_MS = 30 * 60_000;

const HELP = `Usage: npm run rehearse -- watch [options]

Follows a deployment until it ends. Under CodeDeploy: status, each lifecycle event with its time and
result, traffic per task set, the alarm or hook that stopped it, and the rollback. Under native ECS
blue/green: status, each lifecycle stage (TEST_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT, BAKE_TIME, ...),
the hooks' answers, traffic and tasks per service revision, triggered alarms, the circuit breaker and the
rollback. With --commit, first the release pipeline's execution of that commit: each action's status, a
wait behind another execution, and at once the failed action, its summary and its log when Source or
Build fails, or the trigger's file filter that skips the commit; then the deployment it starts.
Then it reads what the service runs: after a success the new task set or revision, after a
rollback the previous one, every task healthy where production goes; anything else is a mismatch
(exit 1).

With --local, the same for the local environment of "npm run rehearse -- up": the current or next
release (or --commit's), its Source, Build and Deploy stages, then the deployment in the same words.

Options:
  --local                   follow a release of the local environment (npm run rehearse -- up)
  --commit SHA              follow the pipeline execution of this pushed commit, then its deployment
  --pipeline NAME           release pipeline for --commit (default: the ${STACK_NAMES.pipeline} stack's output)
  --deployment-id ID        the deployment to follow: a CodeDeploy id, or a service deployment ARN under
                            the ecs controller (default: the latest one)
  --controller NAME         codedeploy or ecs (default: the stack's DeploymentController output)
  --application NAME        CodeDeploy application (default: stack output)
  --deployment-group NAME   deployment group (default: stack output)
  --cluster NAME            ECS cluster of a native blue/green service (default: stack output)
  --service NAME            ECS service of a native blue/green service (default: stack output)
  --stack NAME              stack whose outputs name them (default: ${STACK_NAMES.service})
  --poll TIME               time between polls (default ${DEFAULT_POLL})
  --timeout TIME            stop watching when the deployment has not ended after TIME (30m, 1h; it goes
                            on in AWS) and exit 1 (default: watch until it ends)
  --json                    print the result as JSON on stdout (events go to stderr)
  -h, --help                show this help

${exitCodesHelp(
  'the deployment succeeded',
  'it failed, was stopped or rolled back, was not found, or had not ended within --timeout',
)}`;

const OPTIONS = {
  local: { type: 'boolean', default: false },
  'deployment-id': { type: 'string' },
  commit: { type: 'string' },
  pipeline: { type: 'string' },
  ...TARGET_OPTIONS,
  poll: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** Exit code per outcome: only a deployment that succeeded is a success. */
export const WATCH_EXIT: Record<WatchOutcome, number> = {
  succeeded: EXIT.ok,
  'rolled-back': EXIT.failed,
  failed: EXIT.failed,
  stopped: EXIT.failed,
  'rollback-failed': EXIT.failed,
  interrupted: EXIT.interrupted,
  mismatch: EXIT.failed,
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

/** What following a deployment needs; `exit` maps its outcome to the exit code (default {@link WATCH_EXIT}). */
export interface Follow {
  readonly aws: AwsClients;
  readonly deps: CliDeps;
  readonly pollMs: number;
  readonly json: boolean;
  readonly signal: AbortSignal;
  readonly now: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly exit?: Record<WatchOutcome, number>;
}

/**
 * A sleep that never runs past `deadline`: the wait that reaches it calls `onDeadline` (which aborts the
 * watch, so it ends as it does on Ctrl-C, with what it has seen) instead of waiting on.
 */
function sleepUntil(
  deadline: number,
  now: () => number,
  sleep: Follow['sleep'],
  onDeadline: () => void,
): Follow['sleep'] {
  return async (ms, signal) => {
    const left = deadline - now();
    await sleep(Math.max(0, Math.min(ms, left)), signal);
    if (now() >= deadline) onDeadline();
  };
}

/** Follows a CodeDeploy deployment (the group's latest when no id is given) to its end; returns the exit code. */
export async function followCodeDeploy(
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
    now: f.now,
    sleep: f.sleep,
    signal: f.signal,
    onEvent: (event) => events.write(`${formatWatchEvent(event)}\n`),
  });
  const result = await confirmCodeDeployRelease(whatRunsClients(f.aws), watched);
  if (f.json) writeJson(deps.stdout, result);
  else deps.stdout.write(`${formatWatchSummary(result)}\n`);
  return (f.exit ?? WATCH_EXIT)[result.outcome];
}

/** Follows a native ECS service deployment (the service's latest when no ARN is given); returns the exit code. */
export async function followNative(
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
    now: f.now,
    sleep: f.sleep,
    signal: f.signal,
    onEvent: (event) => events.write(`${formatNativeEvent(event)}\n`),
  });
  const result = await confirmNativeRelease(whatRunsClients(f.aws), watched);
  if (f.json) writeJson(deps.stdout, result);
  else deps.stdout.write(`${formatNativeSummary(result)}\n`);
  return (f.exit ?? WATCH_EXIT)[result.outcome];
}

/** Follows deployment `id` (a CodeDeploy id, or a native ECS service deployment ARN) to its end. */
function followDeployment(f: Follow, controller: DeploymentControllerName, id: string): Promise<number> {
  return controller === 'ecs' ? followNative(f, { arn: id }) : followCodeDeploy(f, { id });
}

/** Follows what rollback, continue or undo acted on, as watch does: Ctrl-C ends the following, not it. */
export async function followByHand(
  f: Omit<Follow, 'signal' | 'now' | 'sleep'>,
  controller: DeploymentControllerName,
  id: string,
): Promise<number> {
  const abort = new AbortController();
  const removeInterrupt = f.deps.onInterrupt?.(() => abort.abort());
  try {
    const { now = Date.now, sleep = sleepUnlessAborted } = f.deps;
    return await followDeployment({ ...f, signal: abort.signal, now, sleep }, controller, id);
  } finally {
    removeInterrupt?.();
  }
}

/** The deployment created since `since` (the latest one when unknown), once it appears. */
async function deploymentOf(f: Follow, target: ReleaseTargetRef, since?: Date): Promise<string | undefined> {
  const now = f.deps.now ?? Date.now;
  const deadline = now() + START_WITHIN_MS;
  for (;;) {
    const id =
      target.controller === 'ecs'
        ? (await latestServiceDeployment(f.aws.ecs(), target.service, since))?.serviceDeploymentArn
        : (await latestDeployment(f.aws.codeDeploy(), target.group, since))?.deploymentId;
    if (id !== undefined || now() >= deadline || f.signal.aborted) return id;
    await (f.deps.sleep ?? sleepUnlessAborted)(f.pollMs, f.signal);
  }
}

/** `--commit`: the pipeline's execution of the commit, then the deployment its deploy stage starts. */
async function followCommitRelease(
  f: Follow,
  commit: string,
  pipeline: string | undefined,
  target: ReleaseTargetRef,
): Promise<number> {
  const { deps } = f;
  const events = f.json ? deps.stderr : deps.stdout;
  const outcome = await followCommit({
    aws: f.aws,
    git: deps.git ?? runGit,
    cwd: deps.cwd,
    commit,
    pipeline,
    pollMs: f.pollMs,
    startWithinMs: START_WITHIN_MS,
    now: deps.now ?? Date.now,
    sleep: deps.sleep ?? sleepUnlessAborted,
    signal: f.signal,
    onLine: (line) => events.write(`${line}\n`),
  });
  if (outcome.kind === 'interrupted') return WATCH_EXIT.interrupted;
  if (outcome.kind === 'ended') {
    deps.stdout.write(
      f.json ? `${JSON.stringify(outcome, null, 2)}\n` : `${describePipelineEnd(outcome).join('\n')}\n`,
    );
    return 1;
  }
  if (outcome.kind !== 'deploying') {
    deps.stderr.write(`${describeCommitEnd(outcome, commit)}\n`);
    return 1;
  }
  // In QUEUED mode a deployment created before this execution's deploy action started is another's.
  const since = outcome.deployStartedAt === undefined ? undefined : new Date(outcome.deployStartedAt);
  const id = await deploymentOf(f, target, since);
  if (f.signal.aborted) return WATCH_EXIT.interrupted;
  if (id === undefined) {
    deps.stderr.write(
      `Execution ${outcome.executionId} reached its deploy stage, but no deployment appeared within ${START_WITHIN_MS / 60_000} min.\n`,
    );
    return 1;
  }
  return followDeployment(f, target.controller, id);
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
  const timeoutMs =
    values.timeout === undefined ? undefined : durationFlag(values.timeout, '--timeout', TIMER_DURATION);
  const flags = targetFlags(values);
  const deploymentId = values['deployment-id'];
  const commit = values.commit;
  if (commit !== undefined && deploymentId !== undefined)
    throw new UsageError(
      '--commit follows the deployment the commit starts; leave out --deployment-id',
      '--commit',
    );
  if (commit !== undefined && !/^[0-9a-f]{7,40}$/i.test(commit))
    throw new UsageError(
      `--commit takes a commit id of 7 to 40 hexadecimal digits, not "${commit}"`,
      '--commit',
    );
  if (values.pipeline !== undefined && commit === undefined)
    throw new UsageError(
      '--pipeline names the pipeline that --commit follows; give --commit too',
      '--pipeline',
    );
  if (values.local) return runWatchLocal(deps, values, pollMs);
  const aws = deps.aws ?? defaultAwsClients();
  const controller = controllerOfFlags(flags, deploymentId);

  const abort = new AbortController();
  const removeInterrupt = deps.onInterrupt?.(() => abort.abort());
  const now = deps.now ?? Date.now;
  let timedOut = false;
  const sleep =
    timeoutMs === undefined
      ? (deps.sleep ?? sleepUnlessAborted)
      : sleepUntil(now() + timeoutMs, now, deps.sleep ?? sleepUnlessAborted, () => {
          timedOut = true;
          abort.abort();
        });
  const follow: Follow = { aws, deps, pollMs, json: values.json, signal: abort.signal, now, sleep };
  try {
    const code =
      commit !== undefined
        ? await followCommitRelease(
            follow,
            commit,
            values.pipeline,
            await resolveReleaseTarget(aws, { ...flags, ...(controller && { controller }) }),
          )
        : await followTarget(follow, flags, controller, deploymentId);
    if (!timedOut) return code;
    deps.stderr.write(
      `The deployment had not ended after --timeout ${values.timeout}; it goes on in AWS. Follow it again with: npm run rehearse -- watch\n`,
    );
    return EXIT.failed;
  } finally {
    removeInterrupt?.();
  }
}

async function followTarget(
  follow: Follow,
  flags: TargetFlags,
  controller: DeploymentControllerName | undefined,
  deploymentId: string | undefined,
): Promise<number> {
  if (deploymentId !== undefined) return followDeployment(follow, controller ?? 'codedeploy', deploymentId);
  // Without an id, the latest deployment of the target the flags or the stack's outputs name.
  const target = await resolveReleaseTarget(follow.aws, { ...flags, ...(controller && { controller }) });
  return target.controller === 'ecs'
    ? followNative(follow, { service: target.service })
    : followCodeDeploy(follow, { group: target.group });
}

export const watchCommand: Command = {
  summary:
    'follow a deployment to its end (CodeDeploy, or native ECS blue/green): stages, traffic, alarms, rollback',
  run: (argv, deps) => guardCommand(HELP, deps, () => run(argv, deps)),
};
