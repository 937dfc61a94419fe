import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { STOPPED_TASKS_METRIC } from '../../contract/deployment-alarms';
import { acknowledgeRehearsalLogGroup } from './control-tower';

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
 * ECS task state change events of this service's abnormal stops go to a log group, where a metric filter
 * counts them, and to whatever else targets the rule (the stopped-task guard). The rule matches from the
 * first event of a stop: when ECS stops a task it sets desiredStatus STOPPED with the stop code and reason
 * while lastStatus is still RUNNING, and the task is STOPPED only after it left the target group and exited
 * (Amazon ECS Developer Guide, "Amazon ECS task state change events"). The log group therefore keeps every
 * event of a stop, so a rehearsal can read why a task died and when ECS began stopping it; the metric
 * filter counts only the final one (lastStatus STOPPED), so each task counts once.
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
    acknowledgeRehearsalLogGroup(this.logGroup);
    this.rule = new events.Rule(this, 'Rule', {
      description:
        'Tasks of the service that ECS stops abnormally (crash, failed start, failed health checks), from the first event of the stop',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: {
          clusterArn: [props.cluster.clusterArn],
          group: [`service:${props.service.serviceName}`],
          // Not lastStatus: the first event of a stop, not the last, is what the guard must see.
          desiredStatus: ['STOPPED'],
          $or: [
            { stopCode: [...ABNORMAL_STOP.stopCodes] },
            { stoppedReason: [{ prefix: ABNORMAL_STOP.stoppedReasonPrefix }] },
          ],
        },
      },
    });
    this.addLogGroupTarget();

    // One datapoint per task: the earlier events of the same stop (lastStatus RUNNING, DEACTIVATING, ...)
    // are kept in the log group but not counted.
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
