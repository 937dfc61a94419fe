import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { deploymentAlarmDefinitions, type DeploymentAlarmDefinition } from '../../contract/deployment-alarms';
import { acknowledgeControl } from './control-tower';

export interface DeploymentAlarmsProps {
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  /** Blue and green: they swap roles every deployment, so both are watched. */
  readonly targetGroups: Readonly<Record<'Blue' | 'Green', elbv2.IApplicationTargetGroup>>;
  /** Count of tasks of the service that stopped abnormally. */
  readonly stoppedTasks: cloudwatch.Metric;
}

/**
 * The alarms CodeDeploy watches during a deployment (bake period included), built from the shared
 * definitions in `contract/deployment-alarms.ts`. Missing data is not breaching: an idle target group must
 * never block or fail a release.
 */
export class DeploymentAlarms extends Construct {
  /** Every alarm, in a stable order; the deployment group takes all of them (CodeDeploy allows 10). */
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: DeploymentAlarmsProps) {
    super(scope, id);
    const definitions = deploymentAlarmDefinitions();
    for (const [color, targetGroup] of Object.entries(props.targetGroups)) {
      for (const d of definitions.filter((def) => def.perTargetGroup))
        this.add(
          `${color}${d.id}`,
          `${color} target group: ${d.description}`,
          d,
          groupMetric(d, targetGroup),
        );
    }
    for (const d of definitions.filter((def) => !def.perTargetGroup))
      this.add(d.id, capitalised(d.description), d, serviceMetric(d, props));
    // The deployment reads these alarms' states itself; failed and stopped deployments reach people through
    // the notifications topic, once per deployment rather than once per alarm.
    acknowledgeControl(
      this,
      'CT.CLOUDWATCH.PR.1',
      'CodeDeploy acts on these alarms by reading their state during a deployment (alarm-based rollback); the deployment that fails because of them is posted to the notifications topic.',
    );
    if (this.alarms.length > 10) {
      throw new Error(
        `CodeDeploy takes at most 10 alarms per deployment group; DeploymentAlarms made ${this.alarms.length}`,
      );
    }
  }

  private add(
    id: string,
    description: string,
    d: DeploymentAlarmDefinition,
    metric: cloudwatch.IMetric,
  ): void {
    this.alarms.push(
      new cloudwatch.Alarm(this, id, {
        alarmDescription: `${description}. Rolls back the CodeDeploy deployment in progress.`,
        metric,
        threshold: d.threshold,
        comparisonOperator: d.comparison as cloudwatch.ComparisonOperator,
        evaluationPeriods: d.evaluationPeriods,
        datapointsToAlarm: d.datapointsToAlarm,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}

const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** A per-target-group metric: the definition's metric with the group's and its load balancer's dimensions. */
function groupMetric(
  d: DeploymentAlarmDefinition,
  targetGroup: elbv2.IApplicationTargetGroup,
): cloudwatch.IMetric {
  const period = Duration.seconds(d.periodSeconds);
  // The helpers add the LoadBalancer and TargetGroup dimensions; any metric name of the namespace works.
  const metric = (metricName: string) =>
    targetGroup.metrics.custom(metricName, { period, statistic: d.statistic });
  if (d.rate === undefined) return metric(d.metricName);
  const r = d.rate;
  // Below the minimum request count a rate is noise, so the count decides (100 % when crossed, 0 % else).
  return new cloudwatch.MathExpression({
    label: `${d.metricName} (% of ${r.per})`,
    period,
    expression: `IF(requests >= ${r.minRequests}, 100 * errors / requests, IF(errors >= ${r.countThreshold}, 100, 0))`,
    usingMetrics: { errors: metric(d.metricName), requests: metric(r.per) },
  });
}

/** A service-wide metric: the load balancer's own, or the stopped-task count. */
function serviceMetric(d: DeploymentAlarmDefinition, props: DeploymentAlarmsProps): cloudwatch.IMetric {
  const options = { period: Duration.seconds(d.periodSeconds), statistic: d.statistic };
  if (d.namespace === props.stoppedTasks.namespace && d.metricName === props.stoppedTasks.metricName)
    return props.stoppedTasks.with(options);
  return props.loadBalancer.metrics.custom(d.metricName, options);
}
