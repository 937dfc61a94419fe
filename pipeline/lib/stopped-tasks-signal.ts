import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { STOPPED_TASKS_METRIC } from '../../contract/deployment-alarms';

export { STOPPED_TASKS_METRIC };

/**
 * Stop codes and reasons that mean a task died rather than was retired. Blue tasks removed after a
 * deployment and scale-in stop with `ServiceSchedulerInitiated` and a "Scaling activity" or task-set
 * reason, so they never match; tasks that ECS replaces for failing health checks carry "Task failed ...".
 */
export const ABNORMAL_STOP = {
  stopCodes: ['EssentialContainerExited', 'TaskFailedToStart'],
  stoppedReasonPrefix: 'Task failed',
} as const;

export interface StoppedTasksSignalProps {
  readonly cluster: ecs.ICluster;
  readonly service: ecs.IBaseService;
}

/**
 * ECS task state change events (STOPPED, abnormal) of this service go to a log group, where a metric
 * filter counts them. The log group also keeps each event, so a rehearsal can read why a task died.
 */
export class StoppedTasksSignal extends Construct {
  readonly rule: events.Rule;
  readonly logGroup: logs.LogGroup;
  readonly metric: cloudwatch.Metric;

  constructor(scope: Construct, id: string, props: StoppedTasksSignalProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Events', {
      retention: logs.RetentionDays.TWO_WEEKS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.rule = new events.Rule(this, 'Rule', {
      description: 'Tasks of the service that stopped abnormally (crash, failed start, failed health checks)',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: {
          clusterArn: [props.cluster.clusterArn],
          group: [`service:${props.service.serviceName}`],
          lastStatus: ['STOPPED'],
          $or: [
            { stopCode: [...ABNORMAL_STOP.stopCodes] },
            { stoppedReason: [{ prefix: ABNORMAL_STOP.stoppedReasonPrefix }] },
          ],
        },
      },
    });
    this.addLogGroupTarget();

    new logs.MetricFilter(this, 'Count', {
      logGroup: this.logGroup,
      filterPattern: logs.FilterPattern.stringValue('$.detail.lastStatus', '=', 'STOPPED'),
      metricNamespace: STOPPED_TASKS_METRIC.namespace,
      metricName: STOPPED_TASKS_METRIC.metricName,
      metricValue: '1',
      dimensions: { ClusterArn: '$.detail.clusterArn' },
    });
    this.metric = new cloudwatch.Metric({
      namespace: STOPPED_TASKS_METRIC.namespace,
      metricName: STOPPED_TASKS_METRIC.metricName,
      dimensionsMap: { ClusterArn: props.cluster.clusterArn },
      statistic: cloudwatch.Stats.SUM,
    });
  }

  /**
   * aws-events-targets' CloudWatchLogGroup writes its resource policy through a custom-resource Lambda;
   * the native AWS::Logs::ResourcePolicy does the same job with nothing extra to run or to secure.
   */
  private addLogGroupTarget(): void {
    const stack = Stack.of(this);
    const arn = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: this.logGroup.logGroupName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    // EventBridge's own example policy has no condition, and CreateLogStream conditioned on aws:SourceArn
    // can block delivery (EventBridge User Guide, "Using resource-based policies for Amazon EventBridge"):
    // creating a stream in this group is allowed as such, writing events only from this rule.
    const events = new iam.ServicePrincipal('events.amazonaws.com');
    new logs.ResourcePolicy(this, 'EventsMayWrite', {
      policyStatements: [
        new iam.PolicyStatement({
          principals: [events],
          actions: ['logs:CreateLogStream'],
          resources: [this.logGroup.logGroupArn],
        }),
        new iam.PolicyStatement({
          principals: [events],
          actions: ['logs:PutLogEvents'],
          resources: [this.logGroup.logGroupArn],
          conditions: { ArnEquals: { 'aws:SourceArn': this.rule.ruleArn } },
        }),
      ],
    });
    this.rule.addTarget({ bind: () => ({ arn, targetResource: this.logGroup }) });
  }
}
