/**
 * The gate: an optional hold after green has passed its test traffic and before production traffic moves,
 * during which a person lets the release go on (`npm run rehearse -- continue`) or takes it back
 * (`npm run rehearse -- rollback`). Chosen at deploy time (`gate` in deploy-settings.json); off by default.
 *
 * - CodeDeploy: the deployment group's `DeploymentReadyOption` with `STOP_DEPLOYMENT` and a wait. The wait
 *   starts once the replacement task set is provisioned, the lifecycle hooks run during it, the deployment
 *   shows status `Ready`, `ContinueDeployment` (deploymentWaitType READY_WAIT) ends it, and at its end
 *   CodeDeploy stops the deployment (CloudFormation Template Reference, "AWS::CodeDeploy::DeploymentGroup
 *   DeploymentReadyOption"; CodeDeploy User Guide, "Create a deployment group for an Amazon ECS
 *   deployment"). It has no "go on when the time is up": only `rollback` fits it.
 * - Native ECS: a `PAUSE` lifecycle hook at POST_TEST_TRAFFIC_SHIFT with a timeout and its action;
 *   `ContinueServiceDeployment` with CONTINUE or ROLLBACK ends it (ECS Developer Guide, "Pause hooks for
 *   Amazon ECS service deployments"). Not PRE_PRODUCTION_TRAFFIC_SHIFT, which ECS runs before every step
 *   of a linear or canary shift. The Lambda test-traffic hook runs at the same stage; ECS waits for both
 *   ("Lifecycle hooks for Amazon ECS service deployments").
 *
 * The setting's shape and limits live here, in the contract, because both the stack and the local
 * rehearsal read the same `gate` from deploy-settings.json.
 */
import type { DeploymentControllerName } from './native-strategies';

/** What the controller does when nobody ends the hold in time. */
export type GateTimeoutAction = 'rollback' | 'continue';

/** A hold before production traffic: how long, and what happens at its end. */
export interface ReleaseGate {
  readonly waitMinutes: number;
  readonly onTimeout: GateTimeoutAction;
}

/**
 * Limits of the two controllers' waits: ECS's `timeoutInMinutes` takes 1 to 20160 (Amazon ECS API
 * Reference, "DeploymentLifecycleHookTimeoutConfiguration"). CodeDeploy's reference states no maximum for
 * `waitTimeInMinutes`; this stack keeps it to two days, inside the CodeDeploy ECS deploy action's five.
 * Under `ecs` the Deploy action is a Lambda invoke action, which CodePipeline fails after 24 hours however
 * often the function answers "in progress" (CodePipeline User Guide, "Quotas in AWS CodePipeline"): the
 * wait is kept to 23 hours, leaving an hour for the rest of the deployment.
 */
export const GATE_LIMITS: Record<DeploymentControllerName, { readonly maxMinutes: number }> = {
  codedeploy: { maxMinutes: 2880 },
  ecs: { maxMinutes: 1380 },
};

/** The deploy setting's help line, shared with docs/deploy.md's table. */
export const GATE_SETTING_HELP =
  'a hold before production traffic: {"waitMinutes": N, "onTimeout": "rollback" or "continue" (ecs only)} (default: none)';

/** Parses the `gate` setting (an object, or its JSON text from `-c gate=...`); an error names what is wrong. */
export function parseGate(raw: unknown, controller: DeploymentControllerName): ReleaseGate | undefined {
  if (raw === undefined || raw === null || raw === '' || raw === false) return undefined;
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new Error(`context gate=${JSON.stringify(raw)} is not JSON; expected ${GATE_SETTING_HELP}`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`context gate=${JSON.stringify(raw)} is not valid; expected ${GATE_SETTING_HELP}`);
  const { waitMinutes, onTimeout = 'rollback', ...rest } = value as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0)
    throw new Error(`context gate: ${extra.join(', ')} is not a gate setting; use waitMinutes and onTimeout`);
  const max = GATE_LIMITS[controller].maxMinutes;
  if (
    typeof waitMinutes !== 'number' ||
    !Number.isInteger(waitMinutes) ||
    waitMinutes < 1 ||
    waitMinutes > max
  )
    throw new Error(
      `context gate.waitMinutes=${JSON.stringify(waitMinutes)} must be a whole number of minutes from 1 to ${max} under the ${controller} controller`,
    );
  if (onTimeout !== 'rollback' && onTimeout !== 'continue')
    throw new Error(`context gate.onTimeout=${JSON.stringify(onTimeout)} must be "rollback" or "continue"`);
  if (onTimeout === 'continue' && controller === 'codedeploy')
    throw new Error(
      'context gate.onTimeout="continue" needs the ecs controller: CodeDeploy stops a deployment whose wait ends (DeploymentReadyOption STOP_DEPLOYMENT); use "rollback"',
    );
  return { waitMinutes, onTimeout };
}
