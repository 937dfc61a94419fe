import { STACK_NAMES } from '../../../contract/stack-outputs';
import { EXIT, exitCodesHelp } from '../args/exit-codes';
import { guardCommand } from '../args/guard-command';
import { TARGET_OPTIONS, targetFlags } from '../args/target-flags';
import { AWS_POLL, durationFlag } from '../args/flag-values';
import { parseCommandArgs, UsageError } from '../args/parse-command-args';
import { continueHeld } from '../aws/by-hand/end-hold';
import { describeTarget, findHeldRelease } from '../aws/by-hand/held-release';
import { defaultAwsClients } from '../aws/clients';
import { resolveReleaseTarget } from '../aws/resolve-controller';
import type { CliDeps, Command } from '../cli-deps';
import { writeJson } from '../terminal/json-output';
import { localVerbCommand } from '../local/control/local-verb';
import { followByHand } from './watch';

const DEFAULT_POLL = '5s';

const HELP = `Usage: npm run rehearse -- continue [options]

Lets a release that the gate holds before production traffic go on (the gate: "gate" in
deploy-settings.json). Under CodeDeploy: ContinueDeployment with deploymentWaitType READY_WAIT on the
deployment whose status is Ready. Under native ECS blue/green: ContinueServiceDeployment with action
CONTINUE on the PAUSE hook that is AWAITING_ACTION. Says what it let go on, then follows the release to
its end unless --no-wait. With nothing held it says so and calls nothing. To take a held release back
instead: npm run rehearse -- rollback.

With --local it releases the gate of the local rehearsal running in this repository (npm run rehearse --
local --gate, from another terminal): production traffic moves once green has passed its test-traffic
hook. With nothing running there, or nothing held, it says so.

Options:
  --controller NAME         codedeploy or ecs (default: the stack's DeploymentController output)
  --application NAME        CodeDeploy application (default: stack output)
  --deployment-group NAME   deployment group (default: stack output)
  --cluster NAME            ECS cluster of a native blue/green service (default: stack output)
  --service NAME            ECS service of a native blue/green service (default: stack output)
  --stack NAME              stack whose outputs name them (default: ${STACK_NAMES.service})
  --no-wait                 let it go on and return without following it
  --poll TIME               time between polls (default ${DEFAULT_POLL})
  --json                    print the result as JSON on stdout (events go to stderr)
  --local                   the local rehearsal running in this repository instead of AWS
  -h, --help                show this help

${exitCodesHelp(
  'the release went on and succeeded (with --no-wait: the controller accepted the call)',
  'nothing was held, or the release did not succeed',
)}`;

const OPTIONS = {
  ...TARGET_OPTIONS,
  'no-wait': { type: 'boolean', default: false },
  poll: { type: 'string' },
  json: { type: 'boolean', default: false },
  local: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

async function run(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
  if (values.help) {
    deps.stdout.write(`${HELP}\n`);
    return EXIT.ok;
  }
  if (positionals.length > 0)
    throw new UsageError(`continue takes no arguments, got "${positionals.join(' ')}"`, '--controller');
  if (values.local) return localVerbCommand('continue', values, deps);
  const pollMs = durationFlag(values.poll ?? DEFAULT_POLL, '--poll', AWS_POLL);
  const aws = deps.aws ?? defaultAwsClients();
  const target = await resolveReleaseTarget(aws, targetFlags(values));
  const held = await findHeldRelease(aws, target);
  if (held === undefined) {
    deps.stderr.write(
      `No release is held before production traffic in ${describeTarget(target)}: nothing to continue.\n`,
    );
    return EXIT.failed;
  }
  deps.stderr.write(`${await continueHeld(aws, held)}\n`);
  const id = held.controller === 'codedeploy' ? held.deploymentId : held.deploymentArn;
  if (values['no-wait']) {
    if (values.json) writeJson(deps.stdout, { continued: id, controller: held.controller });
    return EXIT.ok;
  }
  return followByHand({ aws, deps, pollMs, json: values.json }, held.controller, id);
}

export const continueCommand: Command = {
  summary:
    'let a release the gate holds go on to production traffic (CodeDeploy or native ECS) and follow it',
  run: (argv, deps) => guardCommand(HELP, deps, () => run(argv, deps)),
};
