/**
 * A worst-case model of how long each catalogue fault takes, from green tasks starting (RUNNING and
 * registered in the target group) to CodeDeploy being told to roll back, and which signal tells it.
 * Pure: the inputs come from the synthesized template (`timingInputsFromTemplate`) or from the shared
 * settings (`timingInputsFromSettings`), the assumptions below are explicit, and `drill` prints the result.
 *
 * Assumptions about AWS that no document pins down (a drill on AWS measures the real values):
 * - A one-minute ALB or metric-filter datapoint covers the minute in which the condition began; in the
 *   worst case the condition starts just after a minute boundary, so the datapoint closes a full period
 *   later. CloudWatch has it, and the alarm evaluates it, up to `metricPublishDelaySeconds` after that.
 * - CodeDeploy notices an alarm in ALARM within `codeDeployAlarmPollSeconds` (it polls; the interval is
 *   not documented).
 * - CodeDeploy invokes the AfterAllowTestTraffic hook within `codeDeployStepSeconds` of green becoming
 *   healthy (it waits for the replacement task set to be steady, then moves the test listener).
 * - An ECS task state change reaches the log group and its metric filter, and the stopped-task guard
 *   function, within `eventDeliverySeconds`; the guard (cold start, two or three API calls) stops the
 *   deployment within `guardReactionSeconds` more.
 * A hook's verdict is pushed to CodeDeploy and acts at once; alarms are polled.
 */
import { deploymentConfig, trafficShiftSeconds } from '../../../contract/deployment-configs';
import { FAULT_CATALOGUE, FAULT_NAMES, type FaultName } from '../../../contract/faults/catalogue';
import { parseFaultEntry } from '../../../contract/faults/parse-faults';
import { settings, type Settings } from '../../../contract/settings';

/** The deployed timings the model needs; all in seconds. */
export interface TimingInputs {
  readonly targetHealthCheck: {
    readonly intervalSeconds: number;
    readonly timeoutSeconds: number;
    readonly healthyThresholdCount: number;
    readonly unhealthyThresholdCount: number;
  };
  readonly deregistrationDelaySeconds: number;
  readonly healthCheckGracePeriodSeconds: number;
  readonly containerHealthCheck: {
    readonly intervalSeconds: number;
    readonly timeoutSeconds: number;
    readonly retries: number;
    readonly startPeriodSeconds: number;
  };
  readonly stopTimeoutSeconds: number;
  /** The slowest alarm the deployment group watches. */
  readonly alarm: {
    readonly periodSeconds: number;
    readonly evaluationPeriods: number;
    readonly datapointsToAlarm: number;
  };
  readonly responseTimeAlarmSeconds: number;
  readonly hookTimeoutSeconds: number;
  readonly hookBurstRequests: number;
  readonly terminationWaitMinutes: number;
  /** Seconds the deployment configuration takes to move all production traffic to green (0: all at once). */
  readonly trafficShiftSeconds: number;
  /** The fault values to model, as written in FAULTS (`name` or `name=value`); catalogue defaults otherwise. */
  readonly faultValues?: Readonly<Partial<Record<FaultName, string>>>;
}

/** What the model assumes about AWS; see the module comment. */
export interface ObservationAssumptions {
  readonly metricPublishDelaySeconds: number;
  readonly codeDeployAlarmPollSeconds: number;
  readonly codeDeployStepSeconds: number;
  readonly eventDeliverySeconds: number;
  readonly guardReactionSeconds: number;
  readonly hookColdStartSeconds: number;
  /** One request through the test listener to a service that answers at once. */
  readonly requestRoundTripSeconds: number;
}

export const DEFAULT_ASSUMPTIONS: ObservationAssumptions = {
  metricPublishDelaySeconds: 60,
  codeDeployAlarmPollSeconds: 30,
  codeDeployStepSeconds: 60,
  eventDeliverySeconds: 15,
  guardReactionSeconds: 15,
  hookColdStartSeconds: 10,
  requestRoundTripSeconds: 0.2,
};

/** The model's answer for one fault. */
export interface RollbackPrediction {
  readonly fault: FaultName;
  readonly value: string;
  readonly outcome: 'rolled-back' | 'succeeded';
  /** Worst-case seconds from green tasks starting to the rollback trigger; undefined when nothing rolls back. */
  readonly seconds?: number;
  /** When the fault itself begins, for faults that start later than green (e.g. `crash-after`). */
  readonly onsetSeconds: number;
  readonly signal: string;
}

/** The 3-minute goal: every rollback fault triggers its rollback within this many seconds. */
export const ROLLBACK_GOAL_SECONDS = 180;

/** Predicts every catalogue fault. */
export function predictRollbackTimes(
  inputs: TimingInputs,
  assumptions: ObservationAssumptions = DEFAULT_ASSUMPTIONS,
): RollbackPrediction[] {
  return FAULT_NAMES.map((fault) => predictFault(fault, inputs, assumptions));
}

function predictFault(fault: FaultName, t: TimingInputs, a: ObservationAssumptions): RollbackPrediction {
  const value = t.faultValues?.[fault] ?? FAULT_CATALOGUE[fault].defaultValue ?? '';
  const parsed = parseFaultEntry(value === '' ? fault : `${fault}=${value}`);
  // Every fault with a numeric value (port, probability, ms, s) is read through this; others ignore it.
  const n = typeof parsed.value === 'number' ? parsed.value : Number.NaN;
  const hc = t.targetHealthCheck;
  // The threshold-th consecutive failure marks a target unhealthy; the last check may take its full timeout.
  const unhealthyAt = hc.intervalSeconds * (hc.unhealthyThresholdCount - 1) + hc.timeoutSeconds;
  const healthyAt = hc.intervalSeconds * (hc.healthyThresholdCount - 1) + hc.timeoutSeconds;
  const hookStartsAt = healthyAt + a.codeDeployStepSeconds + a.hookColdStartSeconds;
  const alarmAfter = (onset: number) =>
    onset +
    t.alarm.periodSeconds * t.alarm.datapointsToAlarm +
    a.metricPublishDelaySeconds +
    a.codeDeployAlarmPollSeconds;
  // Never later than the stopped-tasks alarm, which watches the same events.
  const guardAfter = (onset: number) =>
    Math.min(
      onset + a.eventDeliverySeconds + a.guardReactionSeconds,
      alarmAfter(onset + a.eventDeliverySeconds),
    );
  const rolledBack = (seconds: number, signal: string, onsetSeconds = 0): RollbackPrediction => ({
    fault,
    value,
    outcome: 'rolled-back',
    seconds: round(seconds),
    onsetSeconds,
    signal,
  });
  const succeeded = (signal: string, onsetSeconds = 0): RollbackPrediction => ({
    fault,
    value,
    outcome: 'succeeded',
    onsetSeconds,
    signal,
  });

  switch (parsed.name) {
    case 'health-fail':
    case 'dependency-down':
      return rolledBack(
        alarmAfter(unhealthyAt),
        'unhealthy-hosts alarm (green never turns healthy, so the hook never runs)',
      );
    case 'wrong-port':
      return n === settings.container.port
        ? succeeded('the fault port is the container port')
        : rolledBack(
            alarmAfter(unhealthyAt),
            'unhealthy-hosts alarm (connection refused; the hook never runs)',
          );
    case 'startup-crash':
      return rolledBack(
        guardAfter(0),
        'stopped-task guard stops the deployment (essential container exited); the stopped-tasks alarm backs it up',
      );
    case 'error-rate':
      return n === 0
        ? succeeded('a rate of 0 never fails a request')
        : rolledBack(
            hookStartsAt + t.hookBurstRequests * a.requestRoundTripSeconds,
            `test-traffic hook (a burst of ${t.hookBurstRequests} passes with probability ${((1 - n) ** t.hookBurstRequests).toExponential(1)}; then the target-5xx alarm)`,
          );
    case 'latency': {
      const seconds = n / 1000;
      return seconds > t.responseTimeAlarmSeconds
        ? rolledBack(
            hookStartsAt + seconds,
            `test-traffic hook (first answer slower than ${t.responseTimeAlarmSeconds} s)`,
          )
        : succeeded(`answers within the ${t.responseTimeAlarmSeconds} s response-time limit`);
    }
    case 'slow-start':
      return n < unhealthyAt - hc.timeoutSeconds
        ? succeeded(`healthy before ${hc.unhealthyThresholdCount} failed checks`, n)
        : rolledBack(alarmAfter(unhealthyAt), 'unhealthy-hosts alarm');
    case 'crash-after':
      return n < t.trafficShiftSeconds + t.terminationWaitMinutes * 60
        ? rolledBack(
            guardAfter(n),
            'stopped-task guard (the crash lands inside the deployment, bake period included); the stopped-tasks alarm backs it up',
            n,
          )
        : succeeded(
            'the crash comes after the traffic shift and the bake period: ECS restarts the task, nothing rolls back',
            n,
          );
  }
}

/** Timing inputs from the shared settings (what the stack is built from). */
export function timingInputsFromSettings(config: Settings = settings): TimingInputs {
  return {
    targetHealthCheck: {
      intervalSeconds: config.targetHealthCheck.intervalSeconds,
      timeoutSeconds: config.targetHealthCheck.timeoutSeconds,
      healthyThresholdCount: config.targetHealthCheck.healthyThresholdCount,
      unhealthyThresholdCount: config.targetHealthCheck.unhealthyThresholdCount,
    },
    deregistrationDelaySeconds: config.deregistrationDelaySeconds,
    healthCheckGracePeriodSeconds: config.ecs.healthCheckGracePeriodSeconds,
    containerHealthCheck: config.containerHealthCheck,
    stopTimeoutSeconds: config.container.stopTimeoutSeconds,
    alarm: {
      periodSeconds: config.alarms.periodSeconds,
      evaluationPeriods: config.alarms.evaluationPeriods,
      datapointsToAlarm: config.alarms.datapointsToAlarm,
    },
    responseTimeAlarmSeconds: config.alarms.responseTimeSeconds,
    hookTimeoutSeconds: config.hook.lambdaTimeoutSeconds,
    hookBurstRequests: config.hook.burstRequests,
    terminationWaitMinutes: config.deployment.terminationWaitMinutes,
    trafficShiftSeconds: shiftSecondsOf(config.deployment.defaultConfig),
  };
}

function shiftSecondsOf(name: string): number {
  const config = deploymentConfig(name);
  if (config === undefined) throw new Error(`${name} is not a predefined ECS deployment configuration`);
  return trafficShiftSeconds(config);
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/**
 * Timing inputs read from a synthesized service template, so the prediction describes what would be
 * deployed. Throws, naming the resource type, when the template lacks a part the model needs.
 */
export function timingInputsFromTemplate(template: { Resources?: Resources }): TimingInputs {
  const resources = Object.values(template.Resources ?? {});
  const ofType = (type: string) => {
    const found = resources.filter((r) => r.Type === type).map((r) => r.Properties ?? {});
    if (found.length === 0) throw new Error(`timingInputsFromTemplate: the template has no ${type}`);
    return found;
  };
  const num = (value: unknown, what: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n))
      throw new Error(`timingInputsFromTemplate: ${what} is ${JSON.stringify(value)}, not a number`);
    return n;
  };

  const targetGroups = ofType('AWS::ElasticLoadBalancingV2::TargetGroup');
  const tg = targetGroups[0]!;
  const dereg = (tg.TargetGroupAttributes as { Key: string; Value: string }[] | undefined)?.find(
    (attr) => attr.Key === 'deregistration_delay.timeout_seconds',
  );
  const service = ofType('AWS::ECS::Service')[0]!;
  const container = (
    ofType('AWS::ECS::TaskDefinition')[0]!.ContainerDefinitions as Record<string, unknown>[]
  )[0]!;
  const containerHc = container.HealthCheck as Record<string, unknown>;
  const alarms = ofType('AWS::CloudWatch::Alarm');
  const slowest = (key: string) => Math.max(...alarms.map((alarm) => num(alarm[key] ?? 1, `alarm ${key}`)));
  const responseAlarm = alarms.find((alarm) => alarm.MetricName === 'TargetResponseTime');
  if (responseAlarm === undefined) throw new Error('timingInputsFromTemplate: no TargetResponseTime alarm');
  const periodOf = (alarm: Record<string, unknown>) =>
    num(
      alarm.Period ??
        (alarm.Metrics as { MetricStat?: { Period?: number } }[] | undefined)?.find((m) => m.MetricStat)
          ?.MetricStat?.Period,
      'alarm period',
    );
  const group = ofType('AWS::CodeDeploy::DeploymentGroup')[0]!;
  const wait = (
    group.BlueGreenDeploymentConfiguration as {
      TerminateBlueInstancesOnDeploymentSuccess?: { TerminationWaitTimeInMinutes?: number };
    }
  ).TerminateBlueInstancesOnDeploymentSuccess?.TerminationWaitTimeInMinutes;
  const hook = ofType('AWS::Lambda::Function').find((fn) => fn.FunctionName === settings.hook.functionName);
  if (hook === undefined)
    throw new Error(`timingInputsFromTemplate: no Lambda function named ${settings.hook.functionName}`);

  return {
    targetHealthCheck: {
      intervalSeconds: num(tg.HealthCheckIntervalSeconds, 'HealthCheckIntervalSeconds'),
      timeoutSeconds: num(tg.HealthCheckTimeoutSeconds, 'HealthCheckTimeoutSeconds'),
      healthyThresholdCount: num(tg.HealthyThresholdCount, 'HealthyThresholdCount'),
      unhealthyThresholdCount: num(tg.UnhealthyThresholdCount, 'UnhealthyThresholdCount'),
    },
    deregistrationDelaySeconds: num(dereg?.Value, 'deregistration_delay.timeout_seconds'),
    healthCheckGracePeriodSeconds: num(
      service.HealthCheckGracePeriodSeconds,
      'HealthCheckGracePeriodSeconds',
    ),
    containerHealthCheck: {
      intervalSeconds: num(containerHc.Interval, 'container HealthCheck.Interval'),
      timeoutSeconds: num(containerHc.Timeout, 'container HealthCheck.Timeout'),
      retries: num(containerHc.Retries, 'container HealthCheck.Retries'),
      startPeriodSeconds: num(containerHc.StartPeriod, 'container HealthCheck.StartPeriod'),
    },
    stopTimeoutSeconds: num(container.StopTimeout, 'StopTimeout'),
    alarm: {
      periodSeconds: Math.max(...alarms.map(periodOf)),
      evaluationPeriods: slowest('EvaluationPeriods'),
      datapointsToAlarm: slowest('DatapointsToAlarm'),
    },
    responseTimeAlarmSeconds: num(responseAlarm.Threshold, 'TargetResponseTime threshold'),
    hookTimeoutSeconds: num(hook.Timeout, 'hook Timeout'),
    hookBurstRequests: settings.hook.burstRequests,
    terminationWaitMinutes: num(wait, 'TerminationWaitTimeInMinutes'),
    trafficShiftSeconds: shiftSecondsOf(String(group.DeploymentConfigName)),
  };
}

/** The prediction as a fixed-width text table (the README's "Rollback times" and `drill` print it). */
export function formatRollbackTable(rows: readonly RollbackPrediction[]): string {
  const lines = rows.map((r) => [
    r.value === '' ? r.fault : `${r.fault}=${r.value}`,
    r.outcome,
    r.seconds === undefined ? '-' : String(r.seconds),
    r.signal,
  ]);
  const header = ['fault', 'outcome', 'worst s', 'signal'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [row(header), row(widths.map((w) => '-'.repeat(w))), ...lines.map(row)].join('\n');
}

function round(seconds: number): number {
  return Math.ceil(seconds);
}
