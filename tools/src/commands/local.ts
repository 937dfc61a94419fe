import path from 'node:path';
import { parseFaults } from '../../../contract/faults/parse-faults';
import { settings } from '../../../contract/settings';
import { guardCommand } from '../args/guard-command';
import { countFlag, REQUEST_RATE } from '../args/flag-values';
import { parseCommandArgs, UsageError } from '../args/parse-command-args';
import { usageOnConfigError } from '../args/usage-on-config-error';
import { ensureWritableDir } from '../args/writable-dir';
import { containerLauncher, DEFAULT_REHEARSAL_IMAGE } from '../local/container-launcher';
import { deploymentConfig, DEPLOYMENT_CONFIG_NAMES } from '../../../contract/deployment-configs';
import { MAX_TIME_SCALE } from '../local/local-timings';
import { ProgressWriter } from '../local/progress';
import type { CountRule } from '../../../contract/parse-units';
import { runRehearsal } from '../local/rehearsal';
import { formatSummary } from '../local/report-text';
import { toJson } from '../local/report-json';
import { serviceLauncher, type LaunchTask } from '../local/task-process';
import { writeReport } from '../local/write-report';
import type { CliDeps, Command } from '../cli-deps';

/** Compresses the default canary (5 min) and bake (5 min) into about half a minute. */
const DEFAULT_TIME_SCALE = 20;
/** 1 is AWS time; the top still leaves a health check inside every alarm period (see MAX_TIME_SCALE). */
const TIME_SCALE: CountRule = {
  whole: false,
  min: 1,
  max: MAX_TIME_SCALE,
  why: `above ${MAX_TIME_SCALE} a one-minute alarm period is shorter than the fastest local health check`,
};
/** A container takes longer than a process to start listening (the engine creates it first). */
const CONTAINER_STARTUP_ALLOWANCE_MS = 15_000;
/** A steady trickle: enough requests per alarm period for the 5xx rate, light enough for two cores. */
const DEFAULT_RATE = 20;

const HELP = `Usage: npm run rehearse -- local [FAULT[=VALUE],...] [options]

Runs the service as blue (no fault) and green (with the given faults) behind a local stand-in for the
ALB and CodeDeploy, driven by contract/settings.ts, with a load loop on the production listener; reports
whether the release succeeded or rolled back, when and why, and whether that is what the fault catalogue
expects. Faults: see "npm run rehearse -- faults". No fault rehearses a healthy release.

Options:
  --config NAME      deployment configuration: ${DEPLOYMENT_CONFIG_NAMES.join(', ')}
                     (default ${settings.deployment.defaultConfig.replace('CodeDeployDefault.ECS', '')}, from settings)
  --time-scale N     compress AWS waits (alarm periods, canary steps, bake, health checks) N times,
                     1 to ${MAX_TIME_SCALE} (default ${DEFAULT_TIME_SCALE})
  --rate N           load loop requests per second through the production listener (default ${DEFAULT_RATE})
  --container        run blue and green as containers of the project's image (docker or podman);
                     the image is built from the Dockerfile when missing (BASE_IMAGE, BUILD_CA_BUNDLE apply)
  --image TAG        image for --container (default ${DEFAULT_REHEARSAL_IMAGE})
  --json             print the result as JSON on stdout (progress goes to stderr)
  --report DIR       also write DIR/report.md, DIR/report.json and DIR/report.html
  -h, --help         show this help

Exit code: 0 when the outcome matches the catalogue, 1 when it does not, 2 on a usage error.`;

const OPTIONS = {
  config: { type: 'string' },
  'time-scale': { type: 'string' },
  rate: { type: 'string' },
  container: { type: 'boolean', default: false },
  image: { type: 'string' },
  json: { type: 'boolean', default: false },
  report: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** What tests may replace: how a task starts. */
export interface LocalDeps {
  readonly launch?: LaunchTask;
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
    const configName = values.config ?? settings.deployment.defaultConfig;
    const config = deploymentConfig(configName);
    if (!config) {
      throw new UsageError(
        `--config must be one of ${DEPLOYMENT_CONFIG_NAMES.join(', ')}, got "${configName}"`,
        '--config',
      );
    }
    const timeScale =
      values['time-scale'] === undefined
        ? DEFAULT_TIME_SCALE
        : countFlag(values['time-scale'], '--time-scale', TIME_SCALE);
    const rate = values.rate === undefined ? DEFAULT_RATE : countFlag(values.rate, '--rate', REQUEST_RATE);

    if (values.image !== undefined && !values.container) {
      throw new UsageError('--image only applies with --container', '--image');
    }
    const reportDir = values.report === undefined ? undefined : path.resolve(deps.cwd, values.report);
    if (reportDir !== undefined) await ensureWritableDir(reportDir, '--report');
    const launch = values.container
      ? (
          await containerLauncher({
            image: values.image ?? DEFAULT_REHEARSAL_IMAGE,
            env: deps.env,
            cwd: deps.cwd,
            log: (line) => deps.stderr.write(`${line}\n`),
            ...(deps.track && { track: deps.track }),
          })
        ).launch
      : (local.launch ?? serviceLauncher(deps.cwd, deps.track));

    const progressOut = values.json ? deps.stderr : deps.stdout;
    const progress = new ProgressWriter(progressOut);
    const result = await runRehearsal({
      faults,
      config,
      timeScale,
      rate,
      launch,
      ...(values.container && { startupAllowanceMs: CONTAINER_STARTUP_ALLOWANCE_MS }),
      onEvent: (event) => progress.event(event),
      onProgress: (snapshot) => progress.snapshot(snapshot),
    });
    progress.done();
    if (values.json) deps.stdout.write(`${JSON.stringify(toJson(result), null, 2)}\n`);
    else deps.stdout.write(formatSummary(result));
    if (reportDir !== undefined) {
      const files = await writeReport(reportDir, result);
      deps.stderr.write(`report written: ${files.join(', ')}\n`);
    }
    return result.matched ? 0 : 1;
  });
}

export const localCommand: Command = {
  summary: 'rehearse a release locally: blue, green with faults, a local ALB and CodeDeploy',
  run: (argv, deps) => runLocal(argv, deps),
};
