import { STACK_NAMES } from '../../../contract/stack-outputs';
import { guardCommand } from '../args/guard-command';
import { AWS_POLL, durationFlag } from '../args/flag-values';
import { parseCommandArgs, UsageError } from '../args/parse-command-args';
import { defaultAwsClients } from '../aws/clients';
import { latestDeployment } from '../aws/find-deployment';
import { formatWatchEvent, formatWatchSummary } from '../aws/format-watch';
import { resolveDeploymentGroup } from '../aws/resolve-group';
import { watchDeployment, type WatchOutcome } from '../aws/watch-deployment';
import { sleepUnlessAborted, type CliDeps, type Command } from '../cli-deps';

const DEFAULT_POLL = '5s';

const HELP = `Usage: npm run rehearse -- watch [options]

Follows a CodeDeploy deployment until it ends: status, each lifecycle event with its time and result,
traffic per task set, the alarm or hook that stopped it, and the rollback. Exits 0 when the deployment
succeeded, 1 when it failed, was stopped or rolled back.

Options:
  --deployment-id ID        the deployment to follow (default: the latest of the deployment group)
  --application NAME        CodeDeploy application (default: stack output)
  --deployment-group NAME   deployment group (default: stack output)
  --stack NAME              stack whose outputs name them (default: ${STACK_NAMES.service})
  --poll TIME               time between polls (default ${DEFAULT_POLL})
  --json                    print the result as JSON on stdout (events go to stderr)
  -h, --help                show this help`;

const OPTIONS = {
  'deployment-id': { type: 'string' },
  application: { type: 'string' },
  'deployment-group': { type: 'string' },
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
};

async function run(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
  if (values.help) {
    deps.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`watch takes no arguments, got "${positionals.join(' ')}"`, '--deployment-id');
  const pollMs = durationFlag(values.poll ?? DEFAULT_POLL, '--poll', AWS_POLL);

  const aws = deps.aws ?? defaultAwsClients();
  const codeDeploy = aws.codeDeploy();
  let deploymentId = values['deployment-id'];
  if (deploymentId === undefined) {
    const group = await resolveDeploymentGroup(aws, {
      application: values.application,
      deploymentGroup: values['deployment-group'],
      stack: values.stack,
    });
    const latest = await latestDeployment(codeDeploy, group);
    if (!latest?.deploymentId) {
      deps.stderr.write(`No deployment found in ${group.application}/${group.deploymentGroup}.\n`);
      return 1;
    }
    deploymentId = latest.deploymentId;
    deps.stderr.write(
      `Following the latest deployment of ${group.application}/${group.deploymentGroup}: ${deploymentId}\n`,
    );
  }

  const events = values.json ? deps.stderr : deps.stdout;
  const controller = new AbortController();
  const removeInterrupt = deps.onInterrupt?.(() => controller.abort());
  try {
    const result = await watchDeployment({
      client: codeDeploy,
      deploymentId,
      pollMs,
      now: deps.now ?? Date.now,
      sleep: deps.sleep ?? sleepUnlessAborted,
      signal: controller.signal,
      onEvent: (event) => events.write(`${formatWatchEvent(event)}\n`),
    });
    deps.stdout.write(
      values.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatWatchSummary(result)}\n`,
    );
    return WATCH_EXIT[result.outcome];
  } finally {
    removeInterrupt?.();
  }
}

export const watchCommand: Command = {
  summary: 'follow a CodeDeploy deployment to its end: lifecycle events, traffic, alarms, rollback',
  run: (argv, deps) => guardCommand(HELP, deps, () => run(argv, deps)),
};
