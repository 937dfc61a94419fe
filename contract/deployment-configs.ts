/**
 * CodeDeploy's predefined ECS deployment configurations, as steps of production traffic to green. The
 * CDK context, the fault catalogue's expectations and the local rehearsal all read them from here.
 */

/** One step: move `percent` of production traffic to green, then wait `waitMs` (AWS time) before the next. */
export interface ShiftStep {
  readonly percent: number;
  readonly waitMs: number;
}

export interface DeploymentConfig {
  /** The full CodeDeploy name, e.g. `CodeDeployDefault.ECSCanary10Percent5Minutes`. */
  readonly name: string;
  readonly steps: readonly ShiftStep[];
}

const MINUTE = 60_000;

const canary = (minutes: number): ShiftStep[] => [
  { percent: 10, waitMs: minutes * MINUTE },
  { percent: 100, waitMs: 0 },
];

const linear = (minutes: number): ShiftStep[] =>
  Array.from({ length: 10 }, (_, i) => ({ percent: (i + 1) * 10, waitMs: i < 9 ? minutes * MINUTE : 0 }));

const CONFIGS: Record<string, ShiftStep[]> = {
  AllAtOnce: [{ percent: 100, waitMs: 0 }],
  Canary10Percent5Minutes: canary(5),
  Canary10Percent15Minutes: canary(15),
  Linear10PercentEvery1Minutes: linear(1),
  Linear10PercentEvery3Minutes: linear(3),
};

/** The short names accepted by `--config`, in help-text order. */
export const DEPLOYMENT_CONFIG_NAMES = Object.keys(CONFIGS);

const PREFIX = 'CodeDeployDefault.ECS';

/** The full names, as CodeDeploy and the CDK context take them. */
export const DEPLOYMENT_CONFIG_FULL_NAMES = DEPLOYMENT_CONFIG_NAMES.map((short) => `${PREFIX}${short}`);

/**
 * Looks up a predefined ECS configuration by its full name (`CodeDeployDefault.ECSAllAtOnce`) or short
 * name (`AllAtOnce`); undefined for anything else.
 */
export function deploymentConfig(name: string): DeploymentConfig | undefined {
  const short = name.startsWith(PREFIX) ? name.slice(PREFIX.length) : name.replace(/^ECS/, '');
  const steps = Object.hasOwn(CONFIGS, short) ? CONFIGS[short] : undefined;
  return steps && { name: `${PREFIX}${short}`, steps };
}

/** Seconds from the first production shift until all traffic is on green (0 for all at once). */
export function trafficShiftSeconds(config: DeploymentConfig): number {
  return config.steps.reduce((total, step) => total + step.waitMs, 0) / 1000;
}
