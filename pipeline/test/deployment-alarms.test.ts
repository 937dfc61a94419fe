import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { deploymentAlarmDefinitions } from '../../contract/deployment-alarms';
import { ServiceStack } from '../lib/service-stack';
import { cdkJsonContext } from './build-stacks';

// Template only: skip the Lambdas' bundling, the alarms live in the resource properties.
const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
const alarms = Object.entries(
  Template.fromStack(new ServiceStack(app, 'Alarms')).findResources('AWS::CloudWatch::Alarm'),
).map(([logicalId, r]) => ({ logicalId, p: r.Properties as Record<string, unknown> }));

interface MetricStat {
  Metric: { Namespace: string; MetricName: string };
  Period: number;
  Stat: string;
}

/** Namespace, metric name, statistic and period of every metric an alarm reads, math expressions included. */
function metricsOf(p: Record<string, unknown>): string[] {
  if (p.MetricName !== undefined) {
    const { Namespace, MetricName, Statistic, Period } = p as Record<string, string | number>;
    return [`${Namespace} ${MetricName} ${Statistic} ${Period}`];
  }
  return (p.Metrics as { MetricStat?: MetricStat }[])
    .flatMap((m) => (m.MetricStat ? [m.MetricStat] : []))
    .map((s) => `${s.Metric.Namespace} ${s.Metric.MetricName} ${s.Stat} ${s.Period}`)
    .sort();
}

const expected = deploymentAlarmDefinitions().flatMap((d) =>
  (d.perTargetGroup ? ['Blue', 'Green'] : ['']).map((color) => ({
    id: `${color}${d.id}`,
    comparison: d.comparison,
    threshold: d.threshold,
    evaluationPeriods: d.evaluationPeriods,
    datapointsToAlarm: d.datapointsToAlarm,
    metrics: [d.metricName, ...(d.rate ? [d.rate.per] : [])]
      .map((name) => `${d.namespace} ${name} ${d.statistic} ${d.periodSeconds}`)
      .sort(),
  })),
);

test('the stack has exactly one alarm per shared definition (and per target group where it applies)', () => {
  const ids = expected.map((e) => e.id);
  expect(alarms).toHaveLength(ids.length);
  for (const id of ids)
    expect([id, alarms.filter((a) => a.logicalId.includes(`Alarms${id}`)).length]).toEqual([id, 1]);
});

test.each(expected)('$id alarms on the definition’s metric, statistic, threshold and comparison', (e) => {
  const alarm = alarms.find((a) => a.logicalId.includes(`Alarms${e.id}`))!;
  expect({
    id: e.id,
    comparison: alarm.p.ComparisonOperator,
    threshold: alarm.p.Threshold,
    evaluationPeriods: alarm.p.EvaluationPeriods,
    datapointsToAlarm: alarm.p.DatapointsToAlarm,
    metrics: metricsOf(alarm.p),
  }).toEqual(e);
});
