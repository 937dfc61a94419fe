import os from 'node:os';
import path from 'node:path';
import { DEPLOYMENT_CONFIG_NAMES } from '../../../contract/deployment-configs';
import { settings } from '../../../contract/settings';
import { DEFAULT_CONTROLLER } from '../../../contract/native-strategies';
import { controllersFlag } from '../args/controller-flag';
import { EXIT, exitCodesHelp } from '../args/exit-codes';
import { guardCommand } from '../args/guard-command';
import type { CountRule } from '../../../contract/parse-units';
import { countFlag } from '../args/flag-values';
import { parseCommandArgs, UsageError } from '../args/parse-command-args';
import { type ReportFolder, withReportFolder } from '../args/report-folder';
import {
  DEFAULT_RATE,
  DEFAULT_TIME_SCALE,
  parseRehearsalFlags,
  REHEARSAL_FLAGS,
  rehearsalLauncher,
  type RehearsalFlags,
} from '../args/rehearsal-flags';
import { usageOnConfigError } from '../args/usage-on-config-error';
import { DEFAULT_REHEARSAL_IMAGE } from '../local/ecs/container-launcher';
import { toJson } from '../local/report/report-json';
import type { runRehearsal } from '../local/rehearsal/rehearsal';
import type { LaunchTask } from '../local/ecs/task-process';
import { LiveLines } from '../suite/live-lines';
import { outputStyle } from '../terminal/output-style';
import { writeJson } from '../terminal/json-output';
import { runSuite } from '../suite/run-suite';
import { formatScorecard } from '../suite/scorecard/scorecard-text';
import { suiteHeadline, type SuiteMeta } from '../suite/report/suite-meta';
import { HEALTHY, suitePlan, type SuiteEntry } from '../suite/plan/suite-plan';
import { mismatches, type SuiteRun } from '../suite/plan/suite-run';
import { writeSuiteReport } from '../suite/report/write-suite-report';
import type { CliDeps, Command } from '../cli-deps';

/**
 * Rehearsals at a time for a machine with `cores` cores. Most of a rehearsal is waiting (compressed
 * canary and bake), but each runs about five service processes, a load loop and a load balancer; on two
 * shared cores, four at a time still kept every health check inside its timeout, five did not always.
 */
export function defaultParallel(cores: number): number {
  return Math.max(1, cores * 2);
}

/** Start-up of one rehearsal's blue tasks takes about a second on an idle machine, a few on a busy one. */
const START_GAP_MS = 1_500;

const help = (cores: number): string => `Usage: npm run rehearse -- suite [FAULT[=VALUE] ...] [options]

Rehearses a healthy release and every catalogue fault at its default value, several at a time on
loopback, each exactly as "npm run rehearse -- local FAULT --controller NAME" does; shows one live line
per rehearsal, then a scorecard of expected and actual outcomes, what decided each, time to detection and
the modelled AWS worst case. With --controller both, every fault runs on each controller and the
scorecard puts the two side by side, one row per fault.

Faults: one rehearsal per fault listed, each FAULT or FAULT=VALUE, separated by spaces or commas, and
none for the healthy release (default: none and every fault at its default value; see
"npm run rehearse -- faults").

Options:
  --controller NAME  codedeploy (default: CodeDeploy's lifecycle), ecs (native ECS blue/green) or both
                     (every rehearsal on each, twice as many rehearsals)
  --faults LIST      the same list as one flag (FAULT,FAULT=VALUE,none), instead of the arguments
  --parallel N       rehearsals at a time, 1 to 32
                     (default ${defaultParallel(cores)}, fitted to this machine's ${cores} cores)
  --config NAME      deployment configuration: ${DEPLOYMENT_CONFIG_NAMES.join(', ')}
                     (default ${settings.deployment.defaultConfig.replace('CodeDeployDefault.ECS', '')}, from settings)
  --time-scale N     compress AWS waits N times (default ${DEFAULT_TIME_SCALE})
  --rate N           load loop requests per second per rehearsal (default ${DEFAULT_RATE})
  --container        run blue and green as containers of the project's image (docker or podman)
  --image TAG        image for --container (default ${DEFAULT_REHEARSAL_IMAGE})
  --json             print { schemaVersion, rehearsals: [...] }, one "local --json" result per rehearsal
                     (live lines go to stderr)
  --report DIR       write DIR/index.html, DIR/summary.md and DIR/<rehearsal>/report.{md,json,html}
                     (with --controller both: DIR/<controller>/<rehearsal>/report.{md,json,html})
                     (a folder that already holds a report is refused; so is one another run is writing)
  --replace          with --report: write over the report DIR holds
  -h, --help         show this help

${exitCodesHelp(
  'every rehearsal on every controller matched the catalogue',
  'any did not, or could not run (the scorecard names them)',
)}`;

const OPTIONS = {
  faults: { type: 'string' },
  controller: { type: 'string' },
  parallel: { type: 'string' },
  ...REHEARSAL_FLAGS,
  json: { type: 'boolean', default: false },
  report: { type: 'string' },
  replace: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** What tests may replace: how a task starts, the rehearsal itself, and how many cores the machine has. */
export interface SuiteDeps {
  readonly launch?: LaunchTask;
  /** @default runRehearsal */
  readonly rehearse?: typeof runRehearsal;
  /** @default os.availableParallelism() */
  readonly cores?: number;
}

interface SuiteArgs {
  readonly entries: SuiteEntry[];
  readonly parallel: number;
  readonly flags: RehearsalFlags;
  readonly json: boolean;
  readonly report?: string;
  readonly replace: boolean;
}

/** Each rehearsal is about five processes and a load loop; past this a machine only thrashes. */
const PARALLEL: CountRule = {
  whole: true,
  min: 1,
  max: 32,
  why: 'each rehearsal runs about five processes and a load loop',
};

async function parseSuiteArgs(
  argv: readonly string[],
  cores: number,
  cwd: string,
): Promise<SuiteArgs | 'help'> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
  if (values.help) return 'help';
  if (positionals.length > 0 && values.faults !== undefined)
    throw new UsageError('give the faults as arguments or as --faults, not both', '--faults');
  const list = positionals.length > 0 ? positionals.join(',') : values.faults;
  const controllers = controllersFlag(values.controller) ?? [DEFAULT_CONTROLLER];
  const entries = await usageOnConfigError(() => suitePlan(list, controllers), '--faults');
  const parallel =
    values.parallel === undefined
      ? defaultParallel(cores)
      : countFlag(values.parallel, '--parallel', PARALLEL);
  if (values.replace && values.report === undefined)
    throw new UsageError('--replace needs --report', '--replace');
  return {
    entries,
    parallel,
    flags: parseRehearsalFlags(values),
    json: values.json,
    ...(values.report !== undefined && { report: path.resolve(cwd, values.report) }),
    replace: values.replace,
  };
}

/** `suite`: parses the flags (usage errors exit 2 before anything starts), runs the suite, reports. */
export async function runSuiteCommand(
  argv: readonly string[],
  deps: CliDeps,
  suite: SuiteDeps = {},
): Promise<number> {
  const cores = suite.cores ?? os.availableParallelism();
  return guardCommand(help(cores), deps, async () => {
    const args = await parseSuiteArgs(argv, cores, deps.cwd);
    if (args === 'help') {
      deps.stdout.write(`${help(cores)}\n`);
      return 0;
    }
    return withReportFolder(
      args.report,
      '--report',
      { replace: args.replace, ...(deps.track && { track: deps.track }) },
      (folder) => runAndReport(args, deps, suite, folder),
    );
  });
}

async function runAndReport(
  args: SuiteArgs,
  deps: CliDeps,
  suite: SuiteDeps,
  folder: ReportFolder | undefined,
): Promise<number> {
  const { launch, startupAllowanceMs } = await rehearsalLauncher(args.flags, deps, suite.launch);
  const controller = new AbortController();
  const removeInterrupt = deps.onInterrupt?.(() => {
    deps.stderr.write('Interrupted: stopping every rehearsal and its processes.\n');
    controller.abort();
  });
  const liveOut = args.json ? deps.stderr : deps.stdout;
  const lines = new LiveLines(liveOut, args.entries, outputStyle(liveOut, deps.env));
  const now = deps.now ?? Date.now;
  const started = now();
  let runs: SuiteRun[];
  try {
    lines.start();
    runs = await runSuite({
      entries: args.entries,
      parallel: args.parallel,
      config: args.flags.config,
      timeScale: args.flags.timeScale,
      rate: args.flags.rate,
      launch,
      ...(startupAllowanceMs !== undefined && { startupAllowanceMs }),
      signal: controller.signal,
      now,
      startGapMs: START_GAP_MS,
      ...(suite.rehearse && { rehearse: suite.rehearse }),
      ...(deps.sleep && { sleep: deps.sleep }),
      onStart: (i) => lines.running(i),
      onProgress: (i, snapshot) => lines.running(i, snapshot),
      onDone: (i, run) => lines.done(i, run),
    });
  } finally {
    removeInterrupt?.();
  }
  const meta: SuiteMeta = {
    config: args.flags.config.name,
    timeScale: args.flags.timeScale,
    parallel: args.parallel,
    wallMs: now() - started,
  };
  await report(args, runs, meta, deps, folder);
  if (controller.signal.aborted) return EXIT.interrupted;
  return mismatches(runs).length === 0 ? 0 : 1;
}

/** One `--json` element: what `local --json` prints, or why there is no result. */
export function runJson(run: SuiteRun): object {
  if (run.state === 'done') return toJson(run.result);
  const base = {
    faults: run.entry.label === HEALTHY ? '' : run.entry.label,
    controller: run.entry.controller,
    matched: false,
  };
  return run.state === 'failed' ? { ...base, error: run.error } : { ...base, interrupted: true };
}

async function report(
  args: SuiteArgs,
  runs: SuiteRun[],
  meta: SuiteMeta,
  deps: CliDeps,
  folder: ReportFolder | undefined,
): Promise<void> {
  const missed = mismatches(runs);
  const paint = outputStyle(args.json ? deps.stderr : deps.stdout, deps.env).paint;
  const summary = [
    paint(missed.length === 0 ? 'green' : 'red', suiteHeadline(runs)),
    ...missed.map((m) => `  mismatch: ${m}`),
    `wall time: ${(meta.wallMs / 1000).toFixed(1)} s (${runs.length} rehearsals, ${meta.parallel} at a time, time scale ${meta.timeScale})`,
  ].join('\n');
  if (args.json) {
    writeJson(deps.stdout, { rehearsals: runs.map(runJson) });
    deps.stderr.write(`${summary}\n`);
  } else {
    deps.stdout.write(`\n${formatScorecard(runs)}\n\n${summary}\n`);
  }
  if (folder !== undefined) {
    const files = await folder.write((dir) => writeSuiteReport(dir, runs, meta));
    deps.stderr.write(`report written: ${files.join(', ')} and one folder per rehearsal\n`);
  }
}

export const suiteCommand: Command = {
  summary: 'rehearse a healthy release and every fault locally, several at a time; a scorecard',
  run: (argv, deps) => runSuiteCommand(argv, deps),
};
