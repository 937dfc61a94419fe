/**
 * Whether a native ECS blue/green deployment may start, judged on the listener rules' live weights and
 * the target groups' healthy targets. ECS moves production between the two target groups by the rules'
 * weights; a later stack update that rewrites a rule puts back the weights its template names (aws-cdk
 * issue 36649), which after an odd number of releases sends production to the target group ECS has
 * scaled in: every request answers 503 until someone moves it back (containers-roadmap issue 2853 asks ECS
 * to check this itself). Pure: the pipeline's deploy step and the drill's preflight feed it what
 * `DescribeRules` and `DescribeTargetHealth` say, the local rehearsal what its stand-in load balancer knows.
 */

/** A target group a rule forwards to: its weight there (0-100) and its healthy targets now. */
export interface LiveTargetGroup {
  readonly arn: string;
  /** A short name for messages (the target group's name). */
  readonly name: string;
  readonly weight: number;
  readonly healthy: number;
}

/** A listener rule as it is now, not as the template says. */
export interface LiveRule {
  readonly arn: string;
  readonly targetGroups: readonly LiveTargetGroup[];
}

/** The verdict: `ok`, or a refusal that says what points where and what to run. */
export interface WeightsVerdict {
  readonly ok: boolean;
  /** What points where, in one line. */
  readonly detail: string;
  /** On a refusal: the command that sends production back to the target group with healthy targets. */
  readonly fix?: string;
}

const describe = (label: string, rule: LiveRule): string =>
  `${label} rule: ${
    rule.targetGroups.map((g) => `${g.name} ${g.weight}% (${g.healthy} healthy)`).join(', ') ||
    'forwards to no target group'
  }`;

/** The `aws elbv2 modify-rule` that sends all of the rule's traffic to `to`. */
function moveCommand(rule: LiveRule, to: LiveTargetGroup): string {
  const groups = rule.targetGroups.map(
    (g) => `{TargetGroupArn=${g.arn},Weight=${g.arn === to.arn ? 100 : 0}}`,
  );
  return `aws elbv2 modify-rule --rule-arn ${rule.arn} --actions 'Type=forward,ForwardConfig={TargetGroups=[${groups.join(',')}]}'`;
}

/**
 * Refuses when production traffic reaches a target group with no healthy target (or no target group at
 * all): a deployment started then would shift traffic away from tasks that serve nobody, and the outage
 * the reset caused goes on meanwhile. The fix names the target group with the most healthy targets.
 */
export function productionWeightsVerdict(production: LiveRule, test: LiveRule): WeightsVerdict {
  const detail = `${describe('production', production)}; ${describe('test', test)}`;
  const live = production.targetGroups.filter((g) => g.weight > 0);
  const empty = live.filter((g) => g.healthy === 0);
  if (live.length > 0 && empty.length === 0) return { ok: true, detail };
  const why =
    live.length === 0
      ? 'production traffic reaches no target group'
      : `production sends ${empty.map((g) => `${g.weight}% to ${g.name}`).join(' and ')}, which has no healthy target`;
  const candidates = [...production.targetGroups].sort((a, b) => b.healthy - a.healthy);
  const best = candidates[0];
  if (best === undefined || best.healthy === 0) {
    return {
      ok: false,
      detail: `${why}, and no target group of the rule has a healthy target (${detail}): the service runs no healthy task; read its events (aws ecs describe-services) before any deployment`,
    };
  }
  return {
    ok: false,
    detail: `${why} (${detail}); a stack update that rewrote the rule (aws-cdk#36649) can do this. Send production back to ${best.name}, then deploy`,
    fix: moveCommand(production, best),
  };
}

/**
 * A refusal in the native deploy step's words, one line each: what points where, then (when there is one)
 * the command that sends production back. The local rehearsal's native controller prints the same lines.
 */
export function refusalLines(verdict: WeightsVerdict): string[] {
  return [`refusing to start the deployment: ${verdict.detail}`, ...(verdict.fix ? [verdict.fix] : [])];
}
