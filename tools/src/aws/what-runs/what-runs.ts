/**
 * What the service runs once a release has ended, read from ECS and the load balancer rather than from the
 * controller's own status. Deploy tools have reported success while the service ended on another revision
 * (aws-actions/amazon-ecs-deploy-task-definition issues 191 and 494): as defence in depth, `watch` and
 * `drill` end by checking that the service runs what the outcome says, with every task healthy where
 * production traffic goes.
 */
import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  type ECSClient,
  type Service,
} from '@aws-sdk/client-ecs';
import {
  DescribeRulesCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { NativeServiceRef } from '../native-deployment';
import type { TargetLabel } from '@aws-sdk/client-codedeploy';

/** How a release ended, as its controller reports it: the state the service should now be in. */
export type ReleaseEnd = 'succeeded' | 'rolled-back';

/** A target group that production traffic reaches, and how much of it. */
export interface WeightedTargetGroup {
  readonly arn: string;
  /** Share of production traffic, 0-100 (a plain forward counts as 100). */
  readonly weight: number;
}

/** The result: `ok` when the service runs what the outcome says; otherwise each problem, in words. */
export interface WhatRunsCheck {
  readonly ok: boolean;
  /** What the outcome says should run (task set or task definition). */
  readonly expected: string;
  /** What runs. */
  readonly runs: string;
  readonly problems: readonly string[];
}

export interface WhatRunsClients {
  readonly ecs: ECSClient;
  readonly elbv2: ElasticLoadBalancingV2Client;
}

/** The ECS service a release runs on: the same reference the native deployment readers take. */
export type ServiceRef = NativeServiceRef;

/** A task set of a CodeDeploy deployment, as CodeDeploy names it (`GetDeploymentTarget`'s `taskSetsInfo`). */
export interface CodeDeployTaskSet {
  /** `Blue` (the original) or `Green` (the replacement), as CodeDeploy spells `taskSetLabel`. */
  readonly label: TargetLabel;
  /** The ECS task set id CodeDeploy created or kept (`identifer` in the API). */
  readonly identifier: string;
}

const short = (arn: string | undefined): string => arn?.split('/').slice(-1)[0] ?? '?';
/** A target group's name, from its ARN (`...:targetgroup/NAME/ID`). */
export const groupName = (arn: string): string => /:targetgroup\/([^/]+)/.exec(arn)?.[1] ?? arn;

/** The service as ECS describes it; throws with ECS's reasons when it describes none. */
export async function describeService(ecs: ECSClient, ref: ServiceRef): Promise<Service> {
  const { services = [], failures = [] } = await ecs.send(
    new DescribeServicesCommand({ cluster: ref.cluster, services: [ref.service] }),
  );
  const service = services[0];
  if (!service) {
    const why = failures.map((f) => f.reason ?? '?').join('; ');
    throw new Error(`ECS does not describe ${ref.cluster}/${ref.service}: ${why || 'no reason given'}`);
  }
  return service;
}

/**
 * The target groups a listener rule forwards to, with their weights: the live values, which ECS moves during
 * a native blue/green deployment and which a stack update can reset (aws-cdk issue 36649).
 */
export async function liveRuleTargets(
  elbv2: ElasticLoadBalancingV2Client,
  ruleArn: string,
): Promise<WeightedTargetGroup[]> {
  const { Rules = [] } = await elbv2.send(new DescribeRulesCommand({ RuleArns: [ruleArn] }));
  const forward = Rules[0]?.Actions?.find((a) => a.Type === 'forward');
  const groups = forward?.ForwardConfig?.TargetGroups;
  if (groups && groups.length > 0) {
    return groups.map((g) => ({ arn: g.TargetGroupArn ?? '?', weight: g.Weight ?? 1 }));
  }
  return forward?.TargetGroupArn ? [{ arn: forward.TargetGroupArn, weight: 100 }] : [];
}

/** Healthy and not-healthy (unhealthy, initial, unavailable) targets of a target group; draining ones leave. */
export async function targetHealthCounts(
  elbv2: ElasticLoadBalancingV2Client,
  targetGroupArn: string,
): Promise<{ healthy: number; notHealthy: number }> {
  const { TargetHealthDescriptions = [] } = await elbv2.send(
    new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }),
  );
  const states = TargetHealthDescriptions.map((d) => d.TargetHealth?.State);
  return {
    healthy: states.filter((s) => s === 'healthy').length,
    notHealthy: states.filter((s) => s !== 'healthy' && s !== 'draining').length,
  };
}

/** Problems with the tasks behind production: too few running, or not every one healthy there. */
async function healthProblems(
  elbv2: ElasticLoadBalancingV2Client,
  production: readonly WeightedTargetGroup[],
  counts: { desired: number; running: number },
): Promise<string[]> {
  const problems: string[] = [];
  if (counts.running < counts.desired) {
    problems.push(`${counts.running} of ${counts.desired} desired tasks run`);
  }
  const live = production.filter((g) => g.weight > 0);
  if (live.length === 0) {
    problems.push('production traffic reaches no target group');
    return problems;
  }
  for (const group of live) {
    const { healthy, notHealthy } = await targetHealthCounts(elbv2, group.arn);
    if (healthy < counts.desired || notHealthy > 0) {
      problems.push(
        `target group ${groupName(group.arn)} (weight ${group.weight}) has ${healthy} healthy of ${counts.desired} desired${notHealthy > 0 ? `, ${notHealthy} not healthy` : ''}`,
      );
    }
  }
  return problems;
}

function result(expected: string, runs: string, problems: string[]): WhatRunsCheck {
  return { ok: problems.length === 0, expected, runs, problems };
}

/**
 * Under CodeDeploy: after success the PRIMARY task set is the replacement (`Green`) that CodeDeploy created
 * from the release's task definition; after a rollback it is the original (`Blue`). Every task of it must be
 * healthy in its target group, the one the production listener forwards to once CodeDeploy has rerouted.
 */
export async function checkCodeDeployRuns(
  clients: WhatRunsClients,
  ref: ServiceRef,
  end: ReleaseEnd,
  taskSets: readonly CodeDeployTaskSet[],
): Promise<WhatRunsCheck> {
  const wantLabel: TargetLabel = end === 'succeeded' ? 'Green' : 'Blue';
  const want = taskSets.find((t) => t.label === wantLabel);
  const service = await describeService(clients.ecs, ref);
  const primary = service.taskSets?.find((t) => t.status === 'PRIMARY');
  const runs = primary
    ? `task set ${primary.id ?? '?'} (${short(primary.taskDefinition)})`
    : 'no PRIMARY task set';
  if (!want) {
    return result(`the ${wantLabel} task set`, runs, [
      `CodeDeploy named no ${wantLabel} task set for this deployment`,
    ]);
  }
  const expected = `the ${wantLabel} task set ${want.identifier}`;
  if (!primary) return result(expected, runs, ['the service has no PRIMARY task set']);
  const problems: string[] = [];
  if (primary.id !== want.identifier) {
    problems.push(`the PRIMARY task set is ${primary.id ?? '?'}, not ${wantLabel} ${want.identifier}`);
  }
  const production = (primary.loadBalancers ?? []).flatMap((lb) =>
    lb.targetGroupArn ? [{ arn: lb.targetGroupArn, weight: 100 }] : [],
  );
  problems.push(
    ...(await healthProblems(clients.elbv2, production, {
      desired: primary.computedDesiredCount ?? service.desiredCount ?? 0,
      running: primary.runningCount ?? 0,
    })),
  );
  return result(expected, runs, problems);
}

/**
 * Under native ECS blue/green: after success the service runs the task definition of the deployment's
 * target service revision; after a rollback, that of its source revision. Every task must be healthy in
 * the target groups the production listener rule forwards to, read live.
 */
export async function checkNativeRuns(
  clients: WhatRunsClients,
  ref: ServiceRef,
  end: ReleaseEnd,
  serviceDeploymentArn: string,
): Promise<WhatRunsCheck> {
  const { serviceDeployments = [] } = await clients.ecs.send(
    new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [serviceDeploymentArn] }),
  );
  const deployment = serviceDeployments[0];
  const revisionArn =
    end === 'succeeded'
      ? deployment?.targetServiceRevision?.arn
      : deployment?.sourceServiceRevisions?.[0]?.arn;
  const which = end === 'succeeded' ? 'target' : 'source';
  const service = await describeService(clients.ecs, ref);
  const runs = `task definition ${short(service.taskDefinition)}`;
  if (!revisionArn) {
    return result(`the deployment's ${which} revision`, runs, [
      `ECS gives no ${which} service revision for ${short(serviceDeploymentArn)}`,
    ]);
  }
  const { serviceRevisions = [] } = await clients.ecs.send(
    new DescribeServiceRevisionsCommand({ serviceRevisionArns: [revisionArn] }),
  );
  const wanted = serviceRevisions[0]?.taskDefinition;
  const expected = `task definition ${short(wanted)} (the ${which} revision)`;
  const problems: string[] = [];
  if (!wanted || service.taskDefinition !== wanted) {
    problems.push(`the service runs ${short(service.taskDefinition)}, not ${short(wanted)}`);
  }
  const rule = service.loadBalancers?.[0]?.advancedConfiguration?.productionListenerRule;
  if (!rule) return result(expected, runs, [...problems, 'the service names no production listener rule']);
  const production = await liveRuleTargets(clients.elbv2, rule);
  problems.push(
    ...(await healthProblems(clients.elbv2, production, {
      desired: service.desiredCount ?? 0,
      running: service.runningCount ?? 0,
    })),
  );
  return result(expected, runs, problems);
}
