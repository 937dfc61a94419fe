/**
 * The deployment controllers a service can run under, and how each predefined CodeDeploy ECS
 * configuration (`deployment-configs.ts`) maps onto ECS's own blue/green strategies.
 *
 * ECS's native strategies (Amazon ECS API Reference, `DeploymentConfiguration`, and aws-cdk-lib's
 * `TrafficShiftConfig`): `BLUE_GREEN` moves all production traffic at once; `CANARY` moves one share, waits
 * its step bake time, then moves the rest; `LINEAR` moves equal shares with the step bake time between
 * them. CANARY takes 0.1 to 100 percent and LINEAR 3 to 100, in multiples of 0.1; a step waits 0 to 1440
 * minutes. Every strategy then keeps blue for the bake time, which plays CodeDeploy's termination wait.
 */
import { deploymentConfig, type DeploymentConfig, type ShiftStep } from './deployment-configs';

/** Who runs a blue/green release: CodeDeploy (`CODE_DEPLOY` controller) or ECS itself (`ECS`). */
export const DEPLOYMENT_CONTROLLERS = ['codedeploy', 'ecs'] as const;

export type DeploymentControllerName = (typeof DEPLOYMENT_CONTROLLERS)[number];

/** Whether a word (a flag, a stack output) names one of the controllers. */
export const isDeploymentController = (text: string): text is DeploymentControllerName =>
  (DEPLOYMENT_CONTROLLERS as readonly string[]).includes(text);

/** The controller when the context names none: the CodeDeploy stack this repository started with. */
export const DEFAULT_CONTROLLER: DeploymentControllerName = 'codedeploy';

/** A native ECS strategy with the numbers its `DeploymentConfiguration` takes. */
export type NativeStrategy =
  | { readonly strategy: 'BLUE_GREEN' }
  | { readonly strategy: 'CANARY'; readonly percent: number; readonly stepBakeMinutes: number }
  | { readonly strategy: 'LINEAR'; readonly percent: number; readonly stepBakeMinutes: number };

const NATIVE_LIMITS = {
  CANARY: { minPercent: 0.1 },
  LINEAR: { minPercent: 3 },
  maxStepBakeMinutes: 1440,
} as const;

/**
 * The native strategy that shifts production traffic in the same steps and waits as the CodeDeploy
 * configuration `name` (full or short name). Derived from the configuration's steps, not from its name:
 * one step of 100 % is BLUE_GREEN, one partial step and then the rest is CANARY, equal steps with equal
 * waits are LINEAR. Throws, naming the configuration, for a shape ECS has no strategy for.
 */
export function nativeStrategyFor(name: string): NativeStrategy {
  const config = deploymentConfig(name);
  if (config === undefined) throw new Error(`${JSON.stringify(name)} is not a predefined ECS configuration`);
  const steps = config.steps;
  const first = steps[0];
  if (first === undefined) throw new Error(`${config.name} has no traffic steps`);
  if (steps.length === 1 && first.percent === 100) return { strategy: 'BLUE_GREEN' };
  const minutes = (ms: number) => ms / 60_000;
  if (steps.length === 2 && steps[1]?.percent === 100) {
    return checked(config, {
      strategy: 'CANARY',
      percent: first.percent,
      stepBakeMinutes: minutes(first.waitMs),
    });
  }
  const equal = steps.every(
    (step, i) =>
      step.percent === Math.min(100, (i + 1) * first.percent) &&
      (i === steps.length - 1 ? step.waitMs === 0 : step.waitMs === first.waitMs),
  );
  if (equal && steps.at(-1)?.percent === 100) {
    return checked(config, {
      strategy: 'LINEAR',
      percent: first.percent,
      stepBakeMinutes: minutes(first.waitMs),
    });
  }
  throw new Error(`${config.name} shifts traffic in steps no native ECS strategy can express`);
}

function checked(config: DeploymentConfig, native: Exclude<NativeStrategy, { strategy: 'BLUE_GREEN' }>) {
  const min = NATIVE_LIMITS[native.strategy].minPercent;
  const wholeTenths = Math.abs(native.percent * 10 - Math.round(native.percent * 10)) < 1e-9;
  if (native.percent < min || native.percent > 100 || !wholeTenths) {
    throw new Error(
      `${config.name}: ${native.strategy} takes ${min} to 100 percent in steps of 0.1, not ${native.percent}`,
    );
  }
  if (
    !Number.isInteger(native.stepBakeMinutes) ||
    native.stepBakeMinutes > NATIVE_LIMITS.maxStepBakeMinutes
  ) {
    throw new Error(
      `${config.name}: ${native.strategy} waits whole minutes from 0 to ${NATIVE_LIMITS.maxStepBakeMinutes}, not ${native.stepBakeMinutes}`,
    );
  }
  return native;
}

/**
 * The production traffic steps a native strategy takes, in the shape of a CodeDeploy configuration's: each
 * share of traffic on green and the wait after it (the step bake time; none after the last step). The bake
 * time after the whole shift is the service's, not the strategy's.
 */
export function nativeShiftSteps(native: NativeStrategy): ShiftStep[] {
  if (native.strategy === 'BLUE_GREEN') return [{ percent: 100, waitMs: 0 }];
  const waitMs = native.stepBakeMinutes * 60_000;
  if (native.strategy === 'CANARY')
    return [
      { percent: native.percent, waitMs },
      { percent: 100, waitMs: 0 },
    ];
  const steps: ShiftStep[] = [];
  for (let share = native.percent; share < 100 - 1e-9; share += native.percent)
    steps.push({ percent: Math.round(share * 10) / 10, waitMs });
  steps.push({ percent: 100, waitMs: 0 });
  return steps;
}
