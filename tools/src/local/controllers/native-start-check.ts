/**
 * The native deploy step's start check, as the local native controller runs it before ECS's stages: the
 * same decision (`core/weights`) on what the local load balancer's rules and target groups hold now, so a
 * production rule reset to the empty target group (aws-cdk issue 36649) is refused here as in the pipeline,
 * with the same lines (`refusalLines`). CodeDeploy's lifecycle has no such check: it rewrites the listener
 * itself.
 */
import { productionWeightsVerdict, type LiveRule } from '../../../../core/weights/production-weights';
import { summarizeDeployment } from '../../experiment/read-record';
import type { RehearsalRecord } from '../../experiment/rehearsal-record';
import { deploymentOutcome, type DeploymentOutcome } from './lifecycle-parts';

/** The two listener rules as they are now (the local load balancer's `describeRules`). */
export interface LiveRules {
  readonly production: LiveRule;
  readonly test: LiveRule;
}

/**
 * Records the check; on a refusal also the outcome, and returns the refused deployment (no step ran, green
 * never started). Undefined when the deployment may start.
 */
export function refusedByStartCheck(
  record: RehearsalRecord,
  rules: LiveRules,
): DeploymentOutcome | undefined {
  const verdict = productionWeightsVerdict(rules.production, rules.test);
  record.add({
    type: 'start-check',
    ok: verdict.ok,
    detail: verdict.detail,
    ...(verdict.fix !== undefined && { fix: verdict.fix }),
  });
  if (verdict.ok) return undefined;
  record.add({ type: 'outcome', outcome: 'refused' });
  return deploymentOutcome(summarizeDeployment(record.events));
}
