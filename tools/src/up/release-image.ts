import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ActiveFaults } from '../../../contract/faults/catalogue';
import { parseFaults } from '../../../contract/faults/parse-faults';
import { TASKDEF_FILE } from '../../../contract/release-file-names';
import { settings } from '../../../contract/settings';
import { containerLauncher } from '../local/ecs/container-launcher';
import { serviceLauncher, type LaunchTask, type TrackTask } from '../local/ecs/task-process';
import { removeLeftTaskContainers } from './left-containers';
import type { RunnableImage } from './release/types';

/** What the build's rendered task definition tells a local task: its faults, version and other environment. */
export interface RenderedTaskDefinition {
  readonly faults: ActiveFaults;
  /** `FAULTS` as written in the file. */
  readonly faultsText: string;
  /** `APP_VERSION`: the commit the build says the service reports. */
  readonly version: string;
  /** Every other environment entry of the service container. */
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * Entries each local task sets for itself: its ports and address (one machine, many tasks), and the two the
 * rehearsal reads above (`FAULTS` is scaled to the time scale first).
 */
const SET_PER_TASK = new Set(['PORT', 'METRICS_PORT', 'HOST', 'FAULTS', 'APP_VERSION']);

interface TaskDefinitionFile {
  readonly containerDefinitions?: readonly {
    readonly name?: string;
    readonly environment?: readonly { readonly name?: string; readonly value?: string }[];
  }[];
}

/** Reads `taskdef.json` of a release folder; throws naming the file and what it lacks. */
export function readRenderedTaskDefinition(releaseDir: string): RenderedTaskDefinition {
  const file = path.join(releaseDir, TASKDEF_FILE);
  const doc = JSON.parse(readFileSync(file, 'utf8')) as TaskDefinitionFile;
  const container = doc.containerDefinitions?.find((c) => c.name === settings.container.name);
  if (container === undefined) throw new Error(`${file}: no container named ${settings.container.name}`);
  const environment: Record<string, string> = {};
  for (const entry of container.environment ?? []) {
    if (entry.name !== undefined) environment[entry.name] = entry.value ?? '';
  }
  const version = environment.APP_VERSION;
  if (version === undefined || version === '')
    throw new Error(`${file}: the service container has no APP_VERSION`);
  const faultsText = environment.FAULTS ?? '';
  return {
    faults: parseFaults(faultsText),
    faultsText,
    version,
    environment: Object.fromEntries(Object.entries(environment).filter(([name]) => !SET_PER_TASK.has(name))),
  };
}

export interface LauncherContext {
  /** The repository whose compiled tools (the tasks' watchdog and listen gate) run the tasks. */
  readonly toolsRoot: string;
  readonly env: NodeJS.ProcessEnv;
  readonly track?: TrackTask;
  readonly log: (line: string) => void;
}

/** A container takes longer than a process to start listening (the engine creates it first). */
const CONTAINER_STARTUP_ALLOWANCE_MS = 15_000;

/**
 * How the release's tasks start: the built service in its folder as processes, or containers of its image,
 * each with the rendered task definition's environment.
 */
export async function launcherFor(
  image: RunnableImage,
  taskdef: RenderedTaskDefinition,
  context: LauncherContext,
): Promise<{ launch: LaunchTask; startupAllowanceMs?: number }> {
  if (image.kind === 'folder') {
    return {
      launch: serviceLauncher(context.toolsRoot, context.track, 'warn', {
        dir: image.dir,
        environment: taskdef.environment,
      }),
    };
  }
  const { engine, launch } = await containerLauncher({
    image: image.reference,
    env: context.env,
    cwd: context.toolsRoot,
    log: context.log,
    environment: taskdef.environment,
    ...(context.track && { track: context.track }),
  });
  const left = await removeLeftTaskContainers(engine);
  if (left.length > 0) context.log(`removed task containers a killed run left: ${left.join(', ')}`);
  return { launch, startupAllowanceMs: CONTAINER_STARTUP_ALLOWANCE_MS };
}

/** The stack's deploy settings file, at the root of the pushed commit. */
const DEPLOY_SETTINGS_FILE = 'deploy-settings.json';

/**
 * The folder that holds the pushed commit's deploy-settings.json: the build's output when it carries one,
 * else the commit exported for the build (beside the build log); undefined when neither does. The stack
 * reads its deploy settings when it deploys, so the pushed commit's file is the one that release runs by.
 */
export function deploySettingsRoot(built: {
  readonly releaseDir?: string;
  readonly logFile: string;
}): string | undefined {
  const candidates = [built.releaseDir, path.join(path.dirname(built.logFile), 'src')];
  return candidates.find(
    (dir): dir is string => dir !== undefined && existsSync(path.join(dir, DEPLOY_SETTINGS_FILE)),
  );
}
