import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { settings } from '../../contract/settings';

export interface DeploymentAlarmsProps {
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  /** Blue and green: they swap roles every deployment, so both are watched. */
  readonly targetGroups: Readonly<Record<'Blue' | 'Green', elbv2.IApplicationTargetGroup>>;
  /** Count of tasks of the service that stopped abnormally. */
  readonly stoppedTasks: cloudwatch.Metric;
}

/**
 * The alarms CodeDeploy watches during a deployment (bake period included). One-minute periods, one
 * datapoint, missing data not breaching: an idle target group must never block or fail a release.
 */
export class DeploymentAlarms extends Construct {
  /** Every alarm, in a stable order; the deployment group takes all of them (CodeDeploy allows 10). */
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly period = Duration.seconds(settings.alarms.periodSeconds);

  constructor(scope: Construct, id: string, props: DeploymentAlarmsProps) {
    super(scope, id);
    for (const [color, targetGroup] of Object.entries(props.targetGroups)) {
      this.addTargetGroupAlarms(color, targetGroup);
    }
    this.add(
      'Elb5xx',
      'The load balancer itself answered 502/503/504 (targets unreachable, refused or reset connections)',
      props.loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, {
        period: this.period,
        statistic: 'Sum',
      }),
      settings.alarms.elb5xxCount,
      cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    );
    this.add(
      'StoppedTasks',
      'Tasks of the service stopped abnormally (crash, failed start, failed health checks)',
      props.stoppedTasks.with({ period: this.period, statistic: 'Sum' }),
      settings.alarms.stoppedTasks,
      cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    );
    if (this.alarms.length > 10) {
      throw new Error(
        `CodeDeploy takes at most 10 alarms per deployment group; DeploymentAlarms made ${this.alarms.length}`,
      );
    }
  }

  private addTargetGroupAlarms(color: string, targetGroup: elbv2.IApplicationTargetGroup): void {
    const a = settings.alarms;
    this.add(
      `${color}UnhealthyHosts`,
      `${color} target group: at least ${a.unhealthyHosts} target(s) failing health checks`,
      targetGroup.metrics.unhealthyHostCount({ period: this.period, statistic: 'Maximum' }),
      a.unhealthyHosts,
      cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    );
    this.add(
      `${color}Target5xx`,
      `${color} target group: 5xx from the application at or above ${a.target5xxRatePercent}% of requests (or ${a.target5xxCount} when under ${a.target5xxMinRequests} requests)`,
      target5xxPercent(targetGroup, this.period),
      a.target5xxRatePercent,
      cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    );
    this.add(
      `${color}ResponseTime`,
      `${color} target group: average response time above ${a.responseTimeSeconds} s`,
      targetGroup.metrics.targetResponseTime({ period: this.period, statistic: 'Average' }),
      a.responseTimeSeconds,
      cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    );
  }

  private add(
    id: string,
    description: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    comparisonOperator: cloudwatch.ComparisonOperator,
  ): void {
    this.alarms.push(
      new cloudwatch.Alarm(this, id, {
        alarmDescription: `${description}. Rolls back the CodeDeploy deployment in progress.`,
        metric,
        threshold,
        comparisonOperator,
        evaluationPeriods: settings.alarms.evaluationPeriods,
        datapointsToAlarm: settings.alarms.datapointsToAlarm,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}

/**
 * Target 5xx as a percentage of requests; below the minimum request count a rate is noise, so the count
 * threshold decides instead (reported as 100 % when crossed, 0 % otherwise).
 */
function target5xxPercent(
  targetGroup: elbv2.IApplicationTargetGroup,
  period: Duration,
): cloudwatch.MathExpression {
  const a = settings.alarms;
  return new cloudwatch.MathExpression({
    label: 'Target 5xx (%)',
    period,
    expression: `IF(requests >= ${a.target5xxMinRequests}, 100 * errors / requests, IF(errors >= ${a.target5xxCount}, 100, 0))`,
    usingMetrics: {
      errors: targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, {
        period,
        statistic: 'Sum',
      }),
      requests: targetGroup.metrics.requestCount({ period, statistic: 'Sum' }),
    },
  });
}
