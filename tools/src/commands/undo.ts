import { CreateDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { settings } from '../../../contract/settings';
import { STACK_NAMES } from '../../../contract/stack-outputs';
import { EXIT, exitCodesHelp } from '../args/exit-codes';
import { guardCommand } from '../args/guard-command';
import { TARGET_OPTIONS, targetFlags } from '../args/target-flags';
import { AWS_POLL, durationFlag } from '../args/flag-values';
import { parseCommandArgs, UsageError } from '../args/parse-command-args';
import { describeTarget } from '../aws/by-hand/held-release';
import { findUndo, type ReleaseRevision } from '../aws/by-hand/previous-release';
import { defaultAwsClients, type AwsClients } from '../aws/clients';
import { latestServiceDeployment } from '../aws/native-deployment';
import { resolveReleaseTarget, type ReleaseTargetRef } from '../aws/resolve-controller';
import type { CliDeps, Command } from '../cli-deps';
import { localVerbCommand } from '../local/control/local-verb';
import { writeJson } from '../terminal/json-output';
import { followByHand } from './watch';

const DEFAULT_POLL = '5s';

const HELP = `Usage: npm run rehearse -- undo [options]

After a release has completed, releases the one before it again, blue/green through the same controller
with the same alarms, test-traffic hook, stopped-task guard and watcher (and the gate, when deployed).
Under CodeDeploy: CreateDeployment with an AppSpec (revisionType AppSpecContent) that names the previous
task definition and the hooks of appspec.yml. Under native ECS blue/green: UpdateService to the previous
task definition. Names the revision it goes back to and the commit it came from (its APP_VERSION), then
follows the deployment unless --no-wait. main still holds the commit undone: revert it (git revert SHA &&
git push) or the next push releases it again. With a deployment in progress it refuses (use rollback);
with no previous release it says so and calls nothing.

With --local it asks "npm run rehearse -- up", running in this repository, to release its previous
successful release again (that release folder's taskdef.json and image) as a new numbered release; pushes
that arrive meanwhile queue behind it. It answers once the release is queued: follow it with "watch --local".

Options:
  --controller NAME         codedeploy or ecs (default: the stack's DeploymentController output)
  --application NAME        CodeDeploy application (default: stack output)
  --deployment-group NAME   deployment group (default: stack output)
  --cluster NAME            ECS cluster of a native blue/green service (default: stack output)
  --service NAME            ECS service of a native blue/green service (default: stack output)
  --stack NAME              stack whose outputs name them (default: ${STACK_NAMES.service})
  --local                   the "up" environment running in this repository instead of AWS
  --no-wait                 start the deployment and return without following it
  --poll TIME               time between polls (default ${DEFAULT_POLL})
  --json                    print the result as JSON on stdout (events go to stderr)
  -h, --help                show this help

${exitCodesHelp(
  'the previous release is back in production (with --no-wait: its deployment started)',
  'a deployment was in progress, there was no previous release, or the deployment did not succeed',
)}`;

const OPTIONS = {
  ...TARGET_OPTIONS,
  local: { type: 'boolean', default: false },
  'no-wait': { type: 'boolean', default: false },
  poll: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/**
 * The AppSpec of appspec.yml with the previous task definition in place of the placeholder, as JSON
 * (CodeDeploy User Guide, "AppSpec 'resources' section for Amazon ECS deployments"). `version` is written
 * 0.0 as in the file: JSON.stringify would write 0.
 */
export function undoAppSpec(taskDefinitionArn: string): string {
  const appSpec = {
    version: 0,
    Resources: [
      {
        TargetService: {
          Type: 'AWS::ECS::Service',
          Properties: {
            TaskDefinition: taskDefinitionArn,
            LoadBalancerInfo: {
              ContainerName: settings.container.name,
              ContainerPort: settings.container.port,
            },
            PlatformVersion: 'LATEST',
          },
        },
      },
    ],
    Hooks: [{ AfterAllowTestTraffic: settings.hook.functionName }],
  };
  return JSON.stringify(appSpec).replace('"version":0,', '"version":0.0,');
}

const named = (r: ReleaseRevision): string =>
  `${r.taskDefinitionArn} (commit ${r.commit ?? 'unknown: no APP_VERSION'})`;

/** The undone commit stays on main: how to keep the next push from releasing it again. */
function revertAdvice(current: ReleaseRevision): string {
  return current.commit === undefined || !/^[0-9a-f]{7,40}$/i.test(current.commit)
    ? 'main still holds the release undone; revert its commit (git revert <sha> && git push) so the next push does not release it again.'
    : `main still holds commit ${current.commit}, which was undone; revert it so the next push does not release it again: git revert ${current.commit} && git push`;
}

/** Starts the blue/green deployment of the previous task definition; returns its id or ARN. */
async function release(
  aws: AwsClients,
  target: ReleaseTargetRef,
  previous: ReleaseRevision,
  now: () => number,
) {
  if (target.controller === 'codedeploy') {
    const { deploymentId } = await aws.codeDeploy().send(
      new CreateDeploymentCommand({
        applicationName: target.group.application,
        deploymentGroupName: target.group.deploymentGroup,
        description: `undo: back to ${previous.commit ?? previous.taskDefinitionArn}`,
        revision: {
          revisionType: 'AppSpecContent',
          appSpecContent: { content: undoAppSpec(previous.taskDefinitionArn) },
        },
      }),
    );
    return deploymentId;
  }
  const since = new Date(now());
  const { service } = await aws.ecs().send(
    new UpdateServiceCommand({
      cluster: target.service.cluster,
      service: target.service.service,
      taskDefinition: previous.taskDefinitionArn,
    }),
  );
  return (
    service?.currentServiceDeployment ??
    (await latestServiceDeployment(aws.ecs(), target.service, since))?.serviceDeploymentArn
  );
}

async function run(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
  if (values.help) {
    deps.stdout.write(`${HELP}\n`);
    return EXIT.ok;
  }
  if (positionals.length > 0)
    throw new UsageError(`undo takes no arguments, got "${positionals.join(' ')}"`, '--controller');
  if (values.local) return localVerbCommand('undo', values, deps);
  const pollMs = durationFlag(values.poll ?? DEFAULT_POLL, '--poll', AWS_POLL);
  const aws = deps.aws ?? defaultAwsClients();
  const now = deps.now ?? Date.now;
  const target = await resolveReleaseTarget(aws, targetFlags(values));
  const found = await findUndo(aws, target);
  if (found.kind === 'busy') {
    deps.stderr.write(
      `A deployment is in progress in ${describeTarget(target)} (${found.deploymentId}): undo releases again only after a release has completed. To stop this one: npm run rehearse -- rollback\n`,
    );
    return EXIT.failed;
  }
  if (found.kind === 'no-previous') {
    deps.stderr.write(`No previous release to go back to: ${found.reason}.\n`);
    return EXIT.failed;
  }
  const { current, previous } = found;
  deps.stderr.write(
    `Undoing ${named(current)} in ${describeTarget(target)}: releasing ${named(previous)} blue/green through ${target.controller === 'codedeploy' ? 'CodeDeploy' : 'native ECS'}.\n`,
  );
  const id = await release(aws, target, previous, now);
  const advice = revertAdvice(current);
  if (id === undefined) {
    deps.stderr.write(
      `The deployment was asked for, but its id did not appear; follow it with: npm run rehearse -- watch\n${advice}\n`,
    );
    return EXIT.failed;
  }
  deps.stderr.write(`Started ${id}.\n`);
  if (values['no-wait']) {
    if (values.json)
      writeJson(deps.stdout, { started: id, controller: target.controller, current, previous, advice });
    else deps.stdout.write(`${advice}\n`);
    return EXIT.ok;
  }
  const code = await followByHand({ aws, deps, pollMs, json: values.json }, target.controller, id);
  (values.json ? deps.stderr : deps.stdout).write(`${advice}\n`);
  return code;
}

export const undoCommand: Command = {
  summary: 'release the previous task definition again, blue/green (CodeDeploy or native ECS), and follow it',
  run: (argv, deps) => guardCommand(HELP, deps, () => run(argv, deps)),
};
