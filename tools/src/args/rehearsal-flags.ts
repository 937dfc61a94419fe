import { settings } from '../../../contract/settings';
import {
  deploymentConfig,
  DEPLOYMENT_CONFIG_NAMES,
  type DeploymentConfig,
} from '../../../contract/deployment-configs';
import type { CliDeps } from '../cli-deps';
import { containerLauncher, DEFAULT_REHEARSAL_IMAGE } from '../local/ecs/container-launcher';
import { serviceLauncher, type LaunchTask } from '../local/ecs/task-process';
import type { CountRule } from '../../../contract/parse-units';
import { MAX_TIME_SCALE, MIN_HEALTH_INTERVAL_MS } from '../local/time-scale/local-timings';
import { countFlag, REQUEST_RATE } from './flag-values';
import { UsageError } from './parse-command-args';

/**
 * Compresses the default canary (5 min) and bake (5 min) into half a minute each. The closest race of the
 * default faults is native ECS's hook, whose burst ends about 9 s (AWS) before `crash-after=60`: at 10 that
 * is 900 ms of real time, more than a busy two-core machine delays a timer or starts a process; at 20 it
 * was 450 ms, and the crash could come first.
 */
export const DEFAULT_TIME_SCALE = 10;
/** A steady trickle: enough requests per alarm period for the 5xx rate, light enough for two cores. */
export const DEFAULT_RATE = 20;
/** 1 is AWS time; the top keeps every compressed wait longer than a busy machine's jitter (see MAX_TIME_SCALE). */
const TIME_SCALE: CountRule = {
  whole: false,
  min: 1,
  max: MAX_TIME_SCALE,
  why: `above ${MAX_TIME_SCALE} a 5 s health-check interval would last less than ${Math.round(MIN_HEALTH_INTERVAL_MS)} ms`,
};
/** A container takes longer than a process to start listening (the engine creates it first). */
const CONTAINER_STARTUP_ALLOWANCE_MS = 15_000;

/** The `parseArgs` options every local rehearsal command shares (`local`, `suite`). */
export const REHEARSAL_FLAGS = {
  config: { type: 'string' },
  'time-scale': { type: 'string' },
  rate: { type: 'string' },
  container: { type: 'boolean', default: false },
  image: { type: 'string' },
} as const;

/** The shared flags as `parseArgs` returns them. */
export interface RehearsalFlagValues {
  readonly config?: string | undefined;
  readonly 'time-scale'?: string | undefined;
  readonly rate?: string | undefined;
  readonly container?: boolean | undefined;
  readonly image?: string | undefined;
}

/** The shared flags, checked. */
export interface RehearsalFlags {
  readonly config: DeploymentConfig;
  readonly timeScale: number;
  readonly rate: number;
  readonly container: boolean;
  readonly image?: string;
}

/** Checks the shared flags; a bad one throws a {@link UsageError} that names it. */
export function parseRehearsalFlags(values: RehearsalFlagValues): RehearsalFlags {
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
  return {
    config,
    timeScale,
    rate,
    container: values.container === true,
    ...(values.image !== undefined && { image: values.image }),
  };
}

/** How tasks start: the compiled service as processes, or containers of the image (built when missing). */
export async function rehearsalLauncher(
  flags: RehearsalFlags,
  deps: CliDeps,
  override?: LaunchTask,
): Promise<{ launch: LaunchTask; startupAllowanceMs?: number }> {
  if (!flags.container) return { launch: override ?? serviceLauncher(deps.cwd, deps.track) };
  const { launch } = await containerLauncher({
    image: flags.image ?? DEFAULT_REHEARSAL_IMAGE,
    env: deps.env,
    cwd: deps.cwd,
    log: (line) => deps.stderr.write(`${line}\n`),
    ...(deps.track && { track: deps.track }),
  });
  return { launch, startupAllowanceMs: CONTAINER_STARTUP_ALLOWANCE_MS };
}
