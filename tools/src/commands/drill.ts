import path from 'node:path';
import { parseFaults } from '../../../contract/faults/parse-faults';
import { STACK_NAMES } from '../../../contract/stack-outputs';
import { controllerFlag } from '../args/controller-flag';
import { exitCodesHelp } from '../args/exit-codes';
import { guardCommand } from '../args/guard-command';
import {
  AWS_POLL,
  CONCURRENCY,
  countFlag,
  durationFlag,
  REQUEST_RATE,
  TIMER_DURATION,
} from '../args/flag-values';
import { parseCommandArgs, UsageError } from '../args/parse-command-args';
import { usageOnConfigError } from '../args/usage-on-config-error';
import { ensureWritableDir } from '../args/writable-dir';
import { withReportFolder } from '../args/report-folder';
import { defaultAwsClients } from '../aws/clients';
import { runDrill, type DrillOptions } from '../drill/run-drill';
import { runGit } from '../git/run-git';
import { sleepUnlessAborted, type CliDeps, type Command } from '../cli-deps';
import { outputStyle } from '../terminal/output-style';
import { writeJson } from '../terminal/json-output';
import type { GateChoice } from '../experiment/rehearsal-event';

const DEFAULTS = {
  branch: 'main',
  remote: 'origin',
  steady: '60s',
  poll: '10s',
  waitDeployment: '30m',
  rate: 10,
  concurrency: 10,
  timeout: '5s',
  reportDir: 'rehearsal-reports',
};

const HELP = `Usage: npm run rehearse -- drill FAULT[=VALUE] ... [options]

The whole rehearsal on AWS: preflight checks, the hypothesis (expected outcome and predicted time to
detection), a load loop against the ALB from before the push to after the deployment, flip and commit
FAULTS in taskdef.json, push, follow the pipeline's execution of that commit (ending at once when the
trigger's file filter skips it, or when Source or Build fails, with the failed action and its log), then
its deployment to its end (CodeDeploy's, or the native ECS service deployment under the ecs controller),
read what the service then runs (outcome mismatch when it is not what the controller reported), write
the report, restore.

With --gate continue or --gate rollback, on a stack deployed with a gate ("gate" in deploy-settings.json;
the preflight refuses a stack without one): once the release is held before production traffic, the
drill probes green through the test listener (GETs of / and /health: status and x-app-version), then
lets it go on or takes it back with the calls "continue" and "rollback" make, and follows it to its end.
A fault caught before the hold ends is reported as such, with what decided.

Faults: one release with every fault listed, each FAULT or FAULT=VALUE, separated by spaces or commas
(see "npm run rehearse -- faults").

Options:
  --no-push                 commit the flip but let you push it (the drill waits for the deployment)
  --restore                 clear FAULTS, commit and push when the drill ends (asked when interactive)
  --file PATH               task definition (default: taskdef.json in the current directory)
  --branch NAME             branch whose pushes release (default ${DEFAULTS.branch})
  --remote NAME             remote to push to (default ${DEFAULTS.remote})
  --stack NAME              service stack with the outputs (default ${STACK_NAMES.service})
  --pipeline NAME           release pipeline to follow (default: the ${STACK_NAMES.pipeline} stack's output)
  --controller NAME         codedeploy or ecs (default: the stack's DeploymentController output)
  --steady TIME             steady-state load before the push and after the end (default ${DEFAULTS.steady})
  --poll TIME               deployment poll interval (default ${DEFAULTS.poll})
  --gate ACTION             continue or rollback: what the drill does once the gate holds the release
  --wait-deployment TIME    how long to wait for the pipeline to start an execution, then a deployment (default ${DEFAULTS.waitDeployment})
  --rate N                  load requests per second (default ${DEFAULTS.rate})
  --concurrency N           load requests in flight at most (default ${DEFAULTS.concurrency})
  --timeout TIME            limit for one load request (default ${DEFAULTS.timeout})
  --report DIR              write report.md, report.json and report.html into DIR (a folder that
                            already holds a report is refused; so is one another rehearsal is writing)
  --replace                 with --report: write over the report DIR holds
  --report-dir PATH         without --report: where a new report folder, named by date and faults,
                            goes (default ${DEFAULTS.reportDir})
  --json                    print the report as JSON on stdout (progress goes to stderr)
  -h, --help                show this help

${exitCodesHelp(
  'the release did what the rehearsal model expects (the hypothesis held)',
  'it did not, or a preflight check or a step failed (the report says which)',
)}`;

const OPTIONS = {
  'no-push': { type: 'boolean', default: false },
  restore: { type: 'boolean', default: false },
  file: { type: 'string' },
  branch: { type: 'string' },
  remote: { type: 'string' },
  stack: { type: 'string' },
  pipeline: { type: 'string' },
  controller: { type: 'string' },
  steady: { type: 'string' },
  poll: { type: 'string' },
  'wait-deployment': { type: 'string' },
  gate: { type: 'string' },
  rate: { type: 'string' },
  concurrency: { type: 'string' },
  timeout: { type: 'string' },
  report: { type: 'string' },
  replace: { type: 'boolean', default: false },
  'report-dir': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

async function run(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
  if (values.help) {
    deps.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (positionals.length === 0)
    throw new UsageError('drill needs a fault; list them with: npm run rehearse -- faults');
  await usageOnConfigError(() => parseFaults(positionals.join(',')));
  const controllerChoice = controllerFlag(values.controller);
  const gate = gateFlag(values.gate);
  const interactive = deps.prompt !== undefined && deps.stdout.isTTY === true;
  const options: DrillOptions = {
    entries: positionals,
    cwd: deps.cwd,
    taskdefFile: path.resolve(deps.cwd, values.file ?? 'taskdef.json'),
    branch: values.branch ?? DEFAULTS.branch,
    remote: values.remote ?? DEFAULTS.remote,
    push: !values['no-push'],
    restore: values.restore ? ('yes' as const) : interactive ? ('ask' as const) : ('no' as const),
    // A steady phase of 0 is allowed: the drill then starts the deployment at once.
    steadyMs: durationFlag(values.steady ?? DEFAULTS.steady, '--steady', { ...TIMER_DURATION, minMs: 0 }),
    pollMs: durationFlag(values.poll ?? DEFAULTS.poll, '--poll', AWS_POLL),
    waitDeploymentMs: durationFlag(
      values['wait-deployment'] ?? DEFAULTS.waitDeployment,
      '--wait-deployment',
      AWS_POLL,
    ),
    load: {
      rate: values.rate === undefined ? DEFAULTS.rate : countFlag(values.rate, '--rate', REQUEST_RATE),
      concurrency:
        values.concurrency === undefined
          ? DEFAULTS.concurrency
          : countFlag(values.concurrency, '--concurrency', CONCURRENCY),
      timeoutMs: durationFlag(values.timeout ?? DEFAULTS.timeout, '--timeout'),
    },
    reportDir: path.resolve(deps.cwd, values['report-dir'] ?? DEFAULTS.reportDir),
    ...(values.stack && { stackName: values.stack }),
    ...(values.pipeline && { pipeline: values.pipeline }),
    ...(controllerChoice && { controller: controllerChoice }),
    ...(gate && { gate }),
  };

  if (values.report !== undefined && values['report-dir'] !== undefined)
    throw new UsageError('give --report DIR or --report-dir PATH, not both', '--report');
  if (values.replace && values.report === undefined)
    throw new UsageError('--replace needs --report', '--replace');
  if (values.report === undefined) await ensureWritableDir(options.reportDir, '--report-dir');
  return withReportFolder(
    values.report === undefined ? undefined : path.resolve(deps.cwd, values.report),
    '--report',
    { replace: values.replace, ...(deps.track && { track: deps.track }) },
    (reportFolder) =>
      drill({ ...options, ...(reportFolder && { reportFolder }) }, values.json, interactive, deps),
  );
}

/** `--gate`: what the drill does at the hold; a usage error names the two choices. */
function gateFlag(value: string | undefined): GateChoice | undefined {
  if (value === undefined) return undefined;
  if (value === 'continue' || value === 'rollback') return value;
  throw new UsageError(`--gate must be continue or rollback, got "${value}"`, '--gate');
}

async function drill(
  options: DrillOptions,
  json: boolean,
  interactive: boolean,
  deps: CliDeps,
): Promise<number> {
  const out = json ? deps.stderr : deps.stdout;
  const controller = new AbortController();
  const removeInterrupt = deps.onInterrupt?.(() => {
    out.write('Interrupted: stopping the load loop and writing the report.\n');
    controller.abort();
  });
  try {
    const { report, exitCode } = await runDrill(options, {
      aws: deps.aws ?? defaultAwsClients(),
      git: deps.git ?? runGit,
      now: deps.now ?? Date.now,
      sleep: deps.sleep ?? sleepUnlessAborted,
      out,
      paint: outputStyle(out, deps.env).paint,
      signal: controller.signal,
      ...(interactive && deps.prompt && { prompt: deps.prompt }),
    });
    if (json) writeJson(deps.stdout, report);
    return exitCode;
  } finally {
    removeInterrupt?.();
  }
}

export const drillCommand: Command = {
  summary: 'the whole rehearsal on AWS: preflight, load, flip, push, watch, report, restore',
  run: (argv, deps) => guardCommand(HELP, deps, () => run(argv, deps)),
};
