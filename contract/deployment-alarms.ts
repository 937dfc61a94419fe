/**
 * The alarms the CodeDeploy deployment group watches, as plain data: the CDK stack builds its CloudWatch
 * alarms from these definitions and the local rehearsal its stand-ins, so both alarm on the same metric,
 * statistic, threshold and comparison. A pipeline test ties the synthesized alarms to them one to one.
 */
import { settings, type Settings } from './settings';

/** Namespace and name of the metric the stopped-task events are counted in (a log metric filter). */
export const STOPPED_TASKS_METRIC = {
  namespace: 'EcsRollbackRehearsal',
  metricName: 'AbnormallyStoppedTasks',
} as const;

/** CloudWatch's comparison operators the alarms use. */
export type AlarmComparison = 'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold';

/** What one alarm watches, once per target group or once for the whole service. */
export interface DeploymentAlarmDefinition {
  /** Construct ID (after the target group's colour for per-group alarms), e.g. `UnhealthyHosts`. */
  readonly id: 'UnhealthyHosts' | 'Target5xx' | 'ResponseTime' | 'Elb5xx' | 'StoppedTasks';
  /** Short name in reports (after which the group's colour follows), e.g. `unhealthy-hosts`. */
  readonly name: string;
  /** One alarm per target group (both colours, since they swap roles) or one for the service. */
  readonly perTargetGroup: boolean;
  readonly namespace: string;
  readonly metricName: string;
  readonly statistic: 'Maximum' | 'Sum' | 'Average';
  readonly threshold: number;
  readonly comparison: AlarmComparison;
  /**
   * For a rate: the metric is divided by this one (as a percentage) once it reaches `minRequests`;
   * below that, `countThreshold` of the metric itself decides.
   */
  readonly rate?: { readonly per: string; readonly minRequests: number; readonly countThreshold: number };
  /** What breaches, in words. */
  readonly description: string;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

type Own = Omit<DeploymentAlarmDefinition, 'periodSeconds' | 'evaluationPeriods' | 'datapointsToAlarm'>;
const ELB = 'AWS/ApplicationELB';

/** The deployment group's alarms, in a stable order. */
export function deploymentAlarmDefinitions(config: Settings = settings): DeploymentAlarmDefinition[] {
  const a = config.alarms;
  const own: Own[] = [
    {
      id: 'UnhealthyHosts',
      name: 'unhealthy-hosts',
      perTargetGroup: true,
      namespace: ELB,
      metricName: 'UnHealthyHostCount',
      statistic: 'Maximum',
      threshold: a.unhealthyHosts,
      comparison: 'GreaterThanOrEqualToThreshold',
      description: `at least ${a.unhealthyHosts} target(s) failing health checks`,
    },
    {
      id: 'Target5xx',
      name: 'target-5xx',
      perTargetGroup: true,
      namespace: ELB,
      metricName: 'HTTPCode_Target_5XX_Count',
      statistic: 'Sum',
      threshold: a.target5xxRatePercent,
      comparison: 'GreaterThanOrEqualToThreshold',
      rate: { per: 'RequestCount', minRequests: a.target5xxMinRequests, countThreshold: a.target5xxCount },
      description: `5xx from the application at or above ${a.target5xxRatePercent}% of requests (or ${a.target5xxCount} when under ${a.target5xxMinRequests} requests)`,
    },
    {
      id: 'ResponseTime',
      name: 'response-time',
      perTargetGroup: true,
      namespace: ELB,
      metricName: 'TargetResponseTime',
      statistic: 'Average',
      threshold: a.responseTimeSeconds,
      comparison: 'GreaterThanThreshold',
      description: `average response time above ${a.responseTimeSeconds} s`,
    },
    {
      id: 'Elb5xx',
      name: 'elb-5xx',
      perTargetGroup: false,
      namespace: ELB,
      metricName: 'HTTPCode_ELB_5XX_Count',
      statistic: 'Sum',
      threshold: a.elb5xxCount,
      comparison: 'GreaterThanOrEqualToThreshold',
      description:
        'the load balancer itself answered 502/503/504 (targets unreachable, refused or reset connections)',
    },
    {
      id: 'StoppedTasks',
      name: 'stopped-tasks',
      perTargetGroup: false,
      ...STOPPED_TASKS_METRIC,
      statistic: 'Sum',
      threshold: a.stoppedTasks,
      comparison: 'GreaterThanOrEqualToThreshold',
      description: 'tasks of the service stopped abnormally (crash, failed start, failed health checks)',
    },
  ];
  return own.map((d) => ({
    ...d,
    periodSeconds: a.periodSeconds,
    evaluationPeriods: a.evaluationPeriods,
    datapointsToAlarm: a.datapointsToAlarm,
  }));
}
