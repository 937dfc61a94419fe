/**
 * The deployed timings the rehearsal model reads: from the shared settings (what the stack is built from)
 * or from a synthesized service template (what would be deployed). A test proves the two agree.
 */
import {
  deploymentConfig,
  trafficShiftSeconds,
  type DeploymentConfig,
} from '../../contract/deployment-configs';
import type { DeploymentControllerName } from '../../contract/native-strategies';
import { settings, type Settings } from '../../contract/settings';
import type { DecidingSignal } from './deciding-signal';

/** The deployed timings the model needs; all in seconds. */
export interface TimingInputs {
  readonly containerPort: number;
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
  /**
   * Longest a task takes to exit after SIGTERM: the service's own drain deadline, capped by the stop timeout.
   * The deadline is the service's code, not the template's, so both sources read it from the settings.
   */
  readonly taskExitSeconds: number;
  /**
   * Longest the `dependency-down` fault's probe takes before `/health` answers 503. The service's code, like
   * the drain deadline, so both sources read it from the settings.
   */
  readonly dependencyProbeSeconds: number;
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
  /** The target-health watcher's read interval and confirmation window. */
  readonly watcher: { readonly pollSeconds: number; readonly confirmSeconds: number };
  /** Who runs the blue/green deployment: CodeDeploy or ECS itself. */
  readonly controller: DeploymentControllerName;
  /** A deployment alarm already in ALARM when the deployment starts, as the signal it is; none by default. */
  readonly alarmAtStart?: DecidingSignal;
}

/** What a release's outcome depends on besides the fault: the settings and the deployment configuration. */
export interface ReleaseContext {
  readonly settings: Settings;
  readonly deploymentConfig: DeploymentConfig;
  /** @default 'codedeploy' */
  readonly controller?: DeploymentControllerName;
  /** A deployment alarm already in ALARM when the deployment starts; none by default. */
  readonly alarmAtStart?: DecidingSignal;
  /**
   * Native ECS only: the production listener rule forwards to the target group with no task, as after a
   * stack update that rewrote it (aws-cdk issue 36649). @default false
   */
  readonly productionRuleReset?: boolean;
}

/** The context the stack deploys by default. */
export function defaultReleaseContext(config: Settings = settings): ReleaseContext {
  return { settings: config, deploymentConfig: predefined(config.deployment.defaultConfig) };
}

function predefined(name: string): DeploymentConfig {
  const config = deploymentConfig(name);
  if (config === undefined) throw new Error(`${name} is not a predefined ECS deployment configuration`);
  return config;
}

const exitSeconds = (config: Settings, stopTimeoutSeconds: number): number =>
  Math.min(config.shutdown.deadlineMs / 1000, stopTimeoutSeconds);

/** Timing inputs from the shared settings and a deployment configuration (the default one unless given). */
export function timingInputsFromSettings(
  config: Settings = settings,
  deployment: DeploymentConfig = defaultReleaseContext(config).deploymentConfig,
  controller: DeploymentControllerName = 'codedeploy',
): TimingInputs {
  return {
    containerPort: config.container.port,
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
    taskExitSeconds: exitSeconds(config, config.container.stopTimeoutSeconds),
    dependencyProbeSeconds: config.dependencyProbeTimeoutMs / 1000,
    alarm: {
      periodSeconds: config.alarms.periodSeconds,
      evaluationPeriods: config.alarms.evaluationPeriods,
      datapointsToAlarm: config.alarms.datapointsToAlarm,
    },
    responseTimeAlarmSeconds: config.alarms.responseTimeSeconds,
    hookTimeoutSeconds: config.hook.lambdaTimeoutSeconds,
    hookBurstRequests: config.hook.burstRequests,
    terminationWaitMinutes: config.deployment.terminationWaitMinutes,
    trafficShiftSeconds: trafficShiftSeconds(deployment),
    watcher: watcherInputs(config),
    controller,
  };
}

// The watcher's timings are its Lambda's code and settings, like the drain deadline: read from the settings.
const watcherInputs = (config: Settings): TimingInputs['watcher'] => ({
  pollSeconds: config.targetHealthWatcher.pollSeconds,
  confirmSeconds: config.targetHealthWatcher.confirmSeconds,
});

/** Timing inputs from a release context (settings and deployment configuration). */
export function timingInputsFor(context: ReleaseContext): TimingInputs {
  const inputs = timingInputsFromSettings(context.settings, context.deploymentConfig, context.controller);
  return context.alarmAtStart === undefined ? inputs : { ...inputs, alarmAtStart: context.alarmAtStart };
}

type Properties = Record<string, unknown>;
type Resources = Record<string, { Type: string; Properties?: Properties }>;

/** Reads resources of a template by type; throws naming the type when there is none. */
function reader(template: { Resources?: Resources }) {
  const resources = Object.values(template.Resources ?? {});
  return {
    ofType: (type: string): Properties[] => {
      const found = resources.filter((r) => r.Type === type).map((r) => r.Properties ?? {});
      if (found.length === 0) throw new Error(`timingInputsFromTemplate: the template has no ${type}`);
      return found;
    },
    num: (value: unknown, what: string): number => {
      const n = Number(value);
      if (!Number.isFinite(n))
        throw new Error(`timingInputsFromTemplate: ${what} is ${JSON.stringify(value)}, not a number`);
      return n;
    },
  };
}

/**
 * Timing inputs read from a synthesized service template, so the prediction describes what would be
 * deployed. Throws, naming the resource type, when the template lacks a part the model needs.
 */
export function timingInputsFromTemplate(template: { Resources?: Resources }): TimingInputs {
  const { ofType, num } = reader(template);
  const tg = ofType('AWS::ElasticLoadBalancingV2::TargetGroup')[0]!;
  const dereg = (tg.TargetGroupAttributes as { Key: string; Value: string }[] | undefined)?.find(
    (attr) => attr.Key === 'deregistration_delay.timeout_seconds',
  );
  const service = ofType('AWS::ECS::Service')[0]!;
  const container = (ofType('AWS::ECS::TaskDefinition')[0]!.ContainerDefinitions as Properties[])[0]!;
  const containerHc = container.HealthCheck as Properties;
  const port = (container.PortMappings as { ContainerPort?: number }[] | undefined)?.[0]?.ContainerPort;
  const stopTimeoutSeconds = num(container.StopTimeout, 'StopTimeout');
  const hook = ofType('AWS::Lambda::Function').find((fn) => fn.FunctionName === settings.hook.functionName);
  if (hook === undefined)
    throw new Error(`timingInputsFromTemplate: no Lambda function named ${settings.hook.functionName}`);
  return {
    containerPort: num(port, 'ContainerPort'),
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
    stopTimeoutSeconds,
    taskExitSeconds: exitSeconds(settings, stopTimeoutSeconds),
    dependencyProbeSeconds: settings.dependencyProbeTimeoutMs / 1000,
    ...alarmInputs(ofType('AWS::CloudWatch::Alarm'), num),
    hookTimeoutSeconds: num(hook.Timeout, 'hook Timeout'),
    hookBurstRequests: settings.hook.burstRequests,
    watcher: watcherInputs(settings),
    controller: 'codedeploy',
    ...deploymentGroupInputs(ofType('AWS::CodeDeploy::DeploymentGroup')[0]!, num),
  };
}

type Num = (value: unknown, what: string) => number;

function alarmInputs(
  alarms: Properties[],
  num: Num,
): Pick<TimingInputs, 'alarm' | 'responseTimeAlarmSeconds'> {
  const slowest = (key: string) => Math.max(...alarms.map((alarm) => num(alarm[key] ?? 1, `alarm ${key}`)));
  const periodOf = (alarm: Properties) =>
    num(
      alarm.Period ??
        (alarm.Metrics as { MetricStat?: { Period?: number } }[] | undefined)?.find((m) => m.MetricStat)
          ?.MetricStat?.Period,
      'alarm period',
    );
  const responseAlarm = alarms.find((alarm) => alarm.MetricName === 'TargetResponseTime');
  if (responseAlarm === undefined) throw new Error('timingInputsFromTemplate: no TargetResponseTime alarm');
  return {
    alarm: {
      periodSeconds: Math.max(...alarms.map(periodOf)),
      evaluationPeriods: slowest('EvaluationPeriods'),
      datapointsToAlarm: slowest('DatapointsToAlarm'),
    },
    responseTimeAlarmSeconds: num(responseAlarm.Threshold, 'TargetResponseTime threshold'),
  };
}

function deploymentGroupInputs(
  group: Properties,
  num: Num,
): Pick<TimingInputs, 'terminationWaitMinutes' | 'trafficShiftSeconds'> {
  const wait = (
    group.BlueGreenDeploymentConfiguration as {
      TerminateBlueInstancesOnDeploymentSuccess?: { TerminationWaitTimeInMinutes?: number };
    }
  ).TerminateBlueInstancesOnDeploymentSuccess?.TerminationWaitTimeInMinutes;
  return {
    terminationWaitMinutes: num(wait, 'TerminationWaitTimeInMinutes'),
    trafficShiftSeconds: trafficShiftSeconds(predefined(String(group.DeploymentConfigName))),
  };
}
