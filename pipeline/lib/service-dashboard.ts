import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { settings } from '../../contract/settings';

export interface ServiceDashboardProps {
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  readonly targetGroups: Readonly<Record<'Blue' | 'Green', elbv2.IApplicationTargetGroup>>;
  readonly cluster: ecs.ICluster;
  readonly service: ecs.IBaseService;
  readonly stoppedTasks: cloudwatch.Metric;
  readonly alarms: readonly cloudwatch.IAlarm[];
}

/** One page to watch a rehearsal on: traffic, errors, health per target group, latency and tasks. */
export class ServiceDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ServiceDashboardProps) {
    super(scope, id);
    const period = Duration.seconds(settings.alarms.periodSeconds);
    const perTargetGroup = (f: (tg: elbv2.IApplicationTargetGroup, color: string) => cloudwatch.IMetric) =>
      Object.entries(props.targetGroups).map(([color, tg]) => f(tg, color));

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(1) });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Requests per target group',
        left: perTargetGroup((tg, color) => tg.metrics.requestCount({ period, label: color })),
      }),
      new cloudwatch.GraphWidget({
        title: 'Target 5xx and ELB 5xx',
        left: [
          ...perTargetGroup((tg, color) =>
            tg.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, {
              period,
              label: `${color} target 5xx`,
            }),
          ),
          props.loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, {
            period,
            label: 'ELB 5xx',
          }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Healthy and unhealthy hosts',
        left: [
          ...perTargetGroup((tg, color) =>
            tg.metrics.healthyHostCount({ period, label: `${color} healthy` }),
          ),
          ...perTargetGroup((tg, color) =>
            tg.metrics.unhealthyHostCount({ period, label: `${color} unhealthy` }),
          ),
        ],
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Target response time (average, s)',
        left: perTargetGroup((tg, color) => tg.metrics.targetResponseTime({ period, label: color })),
        leftAnnotations: [{ value: settings.alarms.responseTimeSeconds, label: 'alarm' }],
      }),
      new cloudwatch.GraphWidget({
        title: 'Running tasks and abnormal stops',
        left: [
          new cloudwatch.Metric({
            namespace: 'ECS/ContainerInsights',
            metricName: 'RunningTaskCount',
            dimensionsMap: { ClusterName: props.cluster.clusterName, ServiceName: props.service.serviceName },
            statistic: 'Average',
            period,
            label: 'running',
          }),
        ],
        right: [props.stoppedTasks.with({ period, statistic: 'Sum', label: 'abnormal stops' })],
      }),
      new cloudwatch.AlarmStatusWidget({ title: 'Deployment alarms', alarms: [...props.alarms] }),
    );
  }
}
