/**
 * Where the production rule points as the deployment is about to start: at blue, as ECS left it after the
 * last release, or reset to green, the target group with no task, as a stack update that rewrote the rule
 * leaves it after an odd number of native releases (aws-cdk issue 36649). Locally blue always holds the
 * running tasks, so the reset points production at green; on AWS the two names are the other way round
 * after one release, which changes nothing for users (503s) or for the start check (it reads weights and
 * healthy targets, not names).
 */
import type { RehearsalRecord } from '../../experiment/rehearsal-record';
import { trafficMoves, type ControllerDeps } from '../controllers/lifecycle-parts';

/** Points the production rule at blue, or at the empty green when `reset`, and records it. */
export function routeProduction(
  deps: { readonly record: RehearsalRecord; readonly routing: ControllerDeps['routing'] },
  reset: boolean,
): void {
  if (reset) {
    deps.record.add({
      type: 'note',
      text: 'production rule reset to green, which holds no task (a stack update that rewrote the rule, aws-cdk issue 36649): the load balancer answers 503',
    });
  }
  trafficMoves(deps).production(reset ? 100 : 0);
}
