import path from 'node:path';
import type { ActiveFaults } from '../../../contract/faults/catalogue';
import { parseFaults } from '../../../contract/faults/parse-faults';
import { settings } from '../../../contract/settings';
import { DEPLOYMENT_CONFIG_NAMES } from '../../../contract/deployment-configs';
import { controllerFlag } from '../args/controller-flag';
import { exitCodesHelp } from '../args/exit-codes';
import { guardCommand } from '../args/guard-command';
import { DEFAULT_CONTROLLER, type DeploymentControllerName } from '../../../contract/native-strategies';
import { parseCommandArgs, UsageError } from '../args/parse-command-args';
import {
  DEFAULT_RATE,
  DEFAULT_TIME_SCALE,
  parseRehearsalFlags,
  REHEARSAL_FLAGS,
  type RehearsalFlags,
  rehearsalLauncher,
} from '../args/rehearsal-flags';
import { usageOnConfigError } from '../args/usage-on-config-error';
import { type ReportFolder, withReportFolder } from '../args/report-folder';
import { MAX_TIME_SCALE } from '../local/time-scale/local-timings';
import { alarmDefinitions } from '../local/cloudwatch/alarms';
import { DEFAULT_REHEARSAL_IMAGE } from '../local/ecs/container-launcher';
import { ProgressWriter } from '../local/report/progress';
import { runRehearsal } from '../local/rehearsal/rehearsal';
import { formatSummary } from '../local/report/report-text';
import { toJson } from '../local/report/report-json';
import type { LaunchTask } from '../local/ecs/task-process';
import { writeReport } from '../local/report/write-report';
import { outputStyle } from '../terminal/output-style';
import { writeJson } from '../terminal/json-output';
import { describeError } from '../aws/describe-error';
import { deploySettingsGate, DEFAULT_GATE_SECONDS, GATE_OPTIONS, gateFlags } from '../args/gate-flags';
import type { GateSettings } from '../local/controllers/hold-gate';
import {
  ControlChannelBusy,
  listenForControl,
  type ControlServer,
  type ControlServerOptions,
} from '../local/control/control-server';
import type { RehearsalControl } from '../local/rehearsal/rehearsal';
import { formatHeldNotice } from '../local/report/hold-notice';
import type { CliDeps, Command } from '../cli-deps';

/** The local deployment alarms, named as in reports: the contract's names, per target group where they are. */
const ALARM_NAMES = alarmDefinitions().map((d) => d.name);

const HELP = `Usage: npm run rehearse -- local [FAULT[=VALUE] ...] [options]

Runs the service as blue (no fault) and green (with the given faults) behind a local stand-in for the
ALB and the deployment's controller (CodeDeploy, or native ECS blue/green), driven by contract/settings.ts,
with a load loop on the production listener; reports whether the release succeeded or rolled back, when and
why, and whether that is what the rehearsal model expects of that controller.

Faults: one release with every fault listed, each FAULT or FAULT=VALUE, separated by spaces or commas
(see "npm run rehearse -- faults"); none rehearses a healthy release.

Options:
  --controller NAME  codedeploy (default: CodeDeploy's lifecycle) or ecs (native ECS blue/green: its
                     lifecycle stages and the POST_TEST_TRAFFIC_SHIFT hook)
  --config NAME      deployment configuration: ${DEPLOYMENT_CONFIG_NAMES.join(', ')}
                     (default ${settings.deployment.defaultConfig.replace('CodeDeployDefault.ECS', '')}, from settings)
  --time-scale N     compress AWS waits (alarm periods, canary steps, bake, health checks) N times,
                     1 to ${MAX_TIME_SCALE} (default ${DEFAULT_TIME_SCALE})
  --rate N           load loop requests per second through the production listener (default ${DEFAULT_RATE})
  --container        run blue and green as containers of the project's image (docker or podman);
                     the image is built from the Dockerfile when missing (BASE_IMAGE, BUILD_CA_BUNDLE apply)
  --image TAG        image for --container (default ${DEFAULT_REHEARSAL_IMAGE})
  --alarm-at-start NAME
                     start the deployment with that deployment alarm already in ALARM, one of
                     ${ALARM_NAMES.join(', ')}:
                     CodeDeploy stops at its first alarm poll, native ECS watches no alarm at all
  --reset-production-rule
                     with --controller ecs: start with the production rule reset to the target group
                     with no task, as a stack update that rewrites the rule leaves it (aws-cdk issue
                     36649): users get 503s and the deploy step's start check refuses to deploy
  --gate             hold before production traffic, green on the test listener, until
                     "npm run rehearse -- continue --local" or "... rollback --local" from another
                     terminal, or the time-out (default: deploy-settings.json's gate, else none)
  --gate-timeout TIME
                     the hold's time-out in AWS time, compressed like every wait: seconds, or 10m, 1h
                     (default: deploy-settings.json's gate.waitMinutes, else ${DEFAULT_GATE_SECONDS / 60} min)
  --gate-timeout-action ACTION
                     rollback (default) or continue (ecs only: CodeDeploy stops at the end of its wait)
  --no-gate          no hold, whatever deploy-settings.json says
  --json             print the result as JSON on stdout (progress goes to stderr)
  --report DIR       also write DIR/report.md, DIR/report.json and DIR/report.html (a folder that
                     already holds a report is refused; so is one another rehearsal is writing)
  --replace          with --report: write over the report DIR holds
  -h, --help         show this help

While it runs, "npm run rehearse -- rollback --local" stops the deployment with rollback, as the
controller's stop call would, and the record says a person stopped it.

${exitCodesHelp(
  "the outcome matched what the rehearsal model expects of that controller, or a person (or the\n       gate's time-out) decided it, which the model does not predict",
  'it did not match, or the rehearsal could not run (the message says why)',
)}`;

const OPTIONS = {
  ...REHEARSAL_FLAGS,
  ...GATE_OPTIONS,
  controller: { type: 'string' },
  'alarm-at-start': { type: 'string' },
  'reset-production-rule': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  report: { type: 'string' },
  replace: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** What tests may replace: how a task starts, and the rehearsal itself. */
export interface LocalDeps {
  readonly launch?: LaunchTask;
  /** @default runRehearsal */
  readonly rehearse?: typeof runRehearsal;
}

/** `local`: parses the flags, runs one rehearsal, prints progress and the verdict, writes reports. */
export async function runLocal(
  argv: readonly string[],
  deps: CliDeps,
  local: LocalDeps = {},
): Promise<number> {
  return guardCommand(HELP, deps, async () => {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
    if (values.help) {
      deps.stdout.write(`${HELP}\n`);
      return 0;
    }
    const faults = await usageOnConfigError(() => parseFaults(positionals.join(',')), 'FAULT');
    const flags = parseRehearsalFlags(values);
    const controller = controllerFlag(values.controller) ?? DEFAULT_CONTROLLER;
    const alarmAtStart = alarmAtStartFlag(values['alarm-at-start']);
    const productionRuleReset = resetFlag(values['reset-production-rule'], controller);
    const gate = gateFlags(values, controller, () => deploySettingsGate(deps.cwd, controller));
    const reportDir = values.report === undefined ? undefined : path.resolve(deps.cwd, values.report);
    if (values.replace && reportDir === undefined)
      throw new UsageError('--replace needs --report', '--replace');
    return withReportFolder(
      reportDir,
      '--report',
      { replace: values.replace, ...(deps.track && { track: deps.track }) },
      (folder) =>
        rehearseAndReport(
          values.json,
          {
            ...flags,
            controller,
            ...(alarmAtStart !== undefined && { alarmAtStart }),
            ...(productionRuleReset && { productionRuleReset }),
            ...(gate && { gate }),
          },
          faults,
          deps,
          local,
          folder,
        ),
    );
  });
}

/** `--alarm-at-start NAME`: one of the deployment alarms; anything else is a usage error naming them. */
function alarmAtStartFlag(name: string | undefined): string | undefined {
  if (name === undefined || ALARM_NAMES.includes(name)) return name;
  throw new UsageError(
    `--alarm-at-start must be one of ${ALARM_NAMES.join(', ')}; got ${JSON.stringify(name)}`,
    '--alarm-at-start',
  );
}

/**
 * `--reset-production-rule` rehearses the rule native ECS shifts and the native deploy step's start check;
 * CodeDeploy shifts production by rewriting the listener's default action, and the pipeline runs no start
 * check before a CodeDeploy deployment, so there is nothing of that to rehearse.
 */
function resetFlag(reset: boolean, controller: DeploymentControllerName): boolean {
  if (!reset || controller === 'ecs') return reset;
  throw new UsageError(
    '--reset-production-rule needs --controller ecs: the rule it resets is the one native ECS moves by its weights (aws-cdk issue 36649), and the check it rehearses is the native deploy step\'s. CodeDeploy moves production by rewriting the listener\'s default action itself, through no listener rule (what a stack update does to that action: docs/deploy.md, "Changing the stacks after the first release")',
    '--reset-production-rule',
  );
}

async function rehearseAndReport(
  json: boolean,
  flags: RehearsalFlags & {
    readonly controller: DeploymentControllerName;
    readonly alarmAtStart?: string;
    readonly productionRuleReset?: boolean;
    readonly gate?: GateSettings;
  },
  faults: ActiveFaults,
  deps: CliDeps,
  local: LocalDeps,
  folder: ReportFolder | undefined,
): Promise<number> {
  const { launch, startupAllowanceMs } = await rehearsalLauncher(flags, deps, local.launch);

  const progressOut = json ? deps.stderr : deps.stdout;
  const progress = new ProgressWriter(progressOut, outputStyle(progressOut, deps.env));
  let control: RehearsalControl | undefined;
  const channel = await openControlChannel(deps, flags.gate !== undefined, (verb) => {
    if (verb === 'undo')
      return {
        ok: false,
        message:
          'undo --local needs `npm run rehearse -- up`: a one-shot rehearsal has no earlier release to go back to.',
      };
    return control
      ? control[verb]()
      : { ok: false, message: 'The rehearsal is still starting: try again in a moment.' };
  });
  const result = await (local.rehearse ?? runRehearsal)({
    faults,
    config: flags.config,
    controller: flags.controller,
    timeScale: flags.timeScale,
    rate: flags.rate,
    launch,
    ...(startupAllowanceMs !== undefined && { startupAllowanceMs }),
    ...(flags.alarmAtStart !== undefined && { alarmAtStart: flags.alarmAtStart }),
    ...(flags.productionRuleReset && { productionRuleReset: true }),
    ...(flags.gate && { gate: flags.gate }),
    onEvent: (event) => progress.event(event),
    onProgress: (snapshot) => progress.snapshot(snapshot),
    onControl: (c) => (control = c),
    onHeld: (notice) => progress.note(formatHeldNotice(notice)),
  }).finally(() => channel?.close());
  progress.done();
  if (json) writeJson(deps.stdout, toJson(result));
  else deps.stdout.write(formatSummary(result, outputStyle(deps.stdout, deps.env)));
  if (folder !== undefined) {
    const files = await folder.write((dir) => writeReport(dir, result));
    deps.stderr.write(`report written: ${files.join(', ')}\n`);
  }
  return result.matched ? 0 : 1;
}

/**
 * Listens for `rollback --local` and `continue --local` from another terminal. A rehearsal that cannot (a
 * second one in the same repository, a folder it cannot write) runs without the channel and says so; with
 * a gate it is refused, since nobody could release its hold.
 */
async function openControlChannel(
  deps: CliDeps,
  gated: boolean,
  handle: ControlServerOptions['handle'],
): Promise<ControlServer | undefined> {
  try {
    return await listenForControl({ root: deps.cwd, handle, ...(deps.track && { track: deps.track }) });
  } catch (error) {
    const why = error instanceof ControlChannelBusy ? error.message : describeError(error, deps.env);
    if (gated) throw new Error(`--gate needs the control channel, and ${why}`, { cause: error });
    deps.stderr.write(`No rollback --local or continue --local for this rehearsal: ${why}.\n`);
    return undefined;
  }
}

export const localCommand: Command = {
  summary: 'rehearse a release locally: blue, green with faults, a local ALB and CodeDeploy or native ECS',
  run: (argv, deps) => runLocal(argv, deps),
};
