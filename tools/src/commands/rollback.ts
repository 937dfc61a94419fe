import { STACK_NAMES } from '../../../contract/stack-outputs';
import { guardCommand } from '../args/guard-command';
import { TARGET_OPTIONS, targetFlags } from '../args/target-flags';
import { AWS_POLL, durationFlag } from '../args/flag-values';
import { parseCommandArgs, UsageError } from '../args/parse-command-args';
import { stopWithRollback } from '../aws/by-hand/end-hold';
import { describeTarget } from '../aws/by-hand/held-release';
import { defaultAwsClients, type AwsClients } from '../aws/clients';
import { ACTIVE_STATUSES, listDeploymentIds } from '../aws/find-deployment';
import { listServiceDeployments } from '../aws/native-deployment';
import { resolveReleaseTarget, type ReleaseTargetRef } from '../aws/resolve-controller';
import type { WatchOutcome } from '../aws/watch-deployment';
import type { CliDeps, Command } from '../cli-deps';
import { writeJson } from '../terminal/json-output';
import { localVerbCommand } from '../local/control/local-verb';
import { followByHand } from './watch';

const DEFAULT_POLL = '5s';

const HELP = `Usage: npm run rehearse -- rollback [options]

Stops the deployment in progress and rolls it back, found the way watch finds it. Under CodeDeploy:
StopDeployment with autoRollbackEnabled, so production goes back to the original task set (a release
the gate holds, status Ready, too). Under native ECS blue/green: StopServiceDeployment with stopType
ROLLBACK, or for a release the gate holds, ContinueServiceDeployment with action ROLLBACK on its pause
hook. Says what it stopped, then follows the rollback to its end unless --no-wait. With nothing in
progress it says so and calls nothing.

With --local it stops the deployment of the local rehearsal running in this repository (npm run rehearse
-- local, from another terminal) the same way, held at its gate or not, and answers once it is rolled back.

Exit codes:
  0    the deployment was stopped and rolled back (with --no-wait: the stop was accepted)
  1    nothing was in progress, or the rollback did not end rolled back
  2    usage error
  130  interrupted while following

Options:
  --controller NAME         codedeploy or ecs (default: the stack's DeploymentController output)
  --application NAME        CodeDeploy application (default: stack output)
  --deployment-group NAME   deployment group (default: stack output)
  --cluster NAME            ECS cluster of a native blue/green service (default: stack output)
  --service NAME            ECS service of a native blue/green service (default: stack output)
  --stack NAME              stack whose outputs name them (default: ${STACK_NAMES.service})
  --no-wait                 stop and return without following the rollback
  --poll TIME               time between polls (default ${DEFAULT_POLL})
  --json                    print the result as JSON on stdout (events go to stderr)
  --local                   the local rehearsal running in this repository instead of AWS
  -h, --help                show this help`;

const OPTIONS = {
  ...TARGET_OPTIONS,
  'no-wait': { type: 'boolean', default: false },
  poll: { type: 'string' },
  json: { type: 'boolean', default: false },
  local: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** Here the rollback is what was asked for: a deployment that ended rolled back or stopped is a success. */
const ROLLBACK_EXIT: Record<WatchOutcome, number> = {
  succeeded: 1,
  'rolled-back': 0,
  stopped: 0,
  failed: 1,
  'rollback-failed': 1,
  interrupted: 130,
  // Rolled back, but the service does not run the previous revision healthy: not the way back asked for.
  mismatch: 1,
};

/** The id of the deployment in progress on the target, or undefined when none is. */
async function inProgress(aws: AwsClients, target: ReleaseTargetRef): Promise<string | undefined> {
  if (target.controller === 'codedeploy') {
    // One deployment at a time runs per deployment group, so the first active one is the one.
    const ids = await listDeploymentIds(aws.codeDeploy(), target.group, { statuses: ACTIVE_STATUSES });
    return ids[0];
  }
  // A deployment already rolling back or stopping has nothing left to stop.
  const running = await listServiceDeployments(aws.ecs(), target.service, {
    statuses: ['PENDING', 'IN_PROGRESS'],
  });
  let latest: (typeof running)[number] | undefined;
  for (const brief of running) {
    if (!brief.serviceDeploymentArn) continue;
    if (!latest || (brief.createdAt?.getTime() ?? 0) > (latest.createdAt?.getTime() ?? 0)) latest = brief;
  }
  return latest?.serviceDeploymentArn;
}

async function run(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
  if (values.help) {
    deps.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`rollback takes no arguments, got "${positionals.join(' ')}"`, '--controller');
  if (values.local) return localVerbCommand('rollback', values, deps);
  const pollMs = durationFlag(values.poll ?? DEFAULT_POLL, '--poll', AWS_POLL);
  const aws = deps.aws ?? defaultAwsClients();
  const target = await resolveReleaseTarget(aws, targetFlags(values));
  const id = await inProgress(aws, target);
  if (id === undefined) {
    deps.stderr.write(`No deployment in progress in ${describeTarget(target)}: nothing to roll back.\n`);
    return 1;
  }
  deps.stderr.write(`${await stopWithRollback(aws, target, id)}\n`);
  if (values['no-wait']) {
    if (values.json) writeJson(deps.stdout, { stopped: id, controller: target.controller });
    return 0;
  }
  return followByHand({ aws, deps, pollMs, json: values.json, exit: ROLLBACK_EXIT }, target.controller, id);
}

export const rollbackCommand: Command = {
  summary: 'stop the deployment in progress with rollback (CodeDeploy or native ECS) and follow it',
  run: (argv, deps) => guardCommand(HELP, deps, () => run(argv, deps)),
};
