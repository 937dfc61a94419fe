import {
  deploymentAlarmDefinitions,
  type AlarmComparison,
  type DeploymentAlarmDefinition,
} from '../../../../contract/deployment-alarms';
import { settings, type Settings } from '../../../../contract/settings';
import type { DecidingSignal } from '../../../../core/model/signal-paths';
import type { Clock } from '../clock';
import { GROUP_NAMES, type GroupName, type RequestRecord } from './lb-metrics';

/** What one alarm period collected. */
export interface PeriodData {
  readonly groups: Record<
    GroupName,
    {
      requests: number;
      target5xx: number;
      elb5xx: number;
      responseTimeSumMs: number;
      responses: number;
      unhealthyMax: number;
    }
  >;
  /** Abnormal task stops in the period, service-wide. */
  stoppedTasks: number;
}

/** One datapoint: the value the alarm compared, or undefined for missing data (never breaching). */
export interface Datapoint {
  readonly value?: number;
  readonly breaching: boolean;
}

export interface AlarmDefinition {
  /** Short name used in reports, e.g. `unhealthy-hosts-green`. */
  readonly name: string;
  /** The metric and threshold in words, e.g. `UnHealthyHostCount (green) max >= 1`. */
  readonly description: string;
  /** The signal this alarm is, in the rehearsal model's words. */
  readonly signal: DecidingSignal;
  readonly datapoint: (period: PeriodData) => Datapoint;
}

export type AlarmState = 'OK' | 'ALARM';

const OPERATORS: Record<
  AlarmComparison,
  { text: string; breaches: (value: number, threshold: number) => boolean }
> = {
  GreaterThanOrEqualToThreshold: { text: '>=', breaches: (v, t) => v >= t },
  GreaterThanThreshold: { text: '>', breaches: (v, t) => v > t },
};

type GroupData = PeriodData['groups'][GroupName];

/** The value each alarm compares, from one period's data; undefined is missing data (never breaching). */
const VALUES: Record<
  DeploymentAlarmDefinition['id'],
  (p: PeriodData, g: GroupData, d: DeploymentAlarmDefinition) => number | undefined
> = {
  UnhealthyHosts: (_, g) => g.unhealthyMax,
  // Below the minimum request count the count decides, as in the stack's math expression.
  Target5xx: (_, g, d) => {
    if (g.requests === 0) return undefined;
    if (g.requests < d.rate!.minRequests) return g.target5xx >= d.rate!.countThreshold ? 100 : 0;
    return (100 * g.target5xx) / g.requests;
  },
  ResponseTime: (_, g) => (g.responses === 0 ? undefined : g.responseTimeSumMs / g.responses / 1000),
  // The metric has no target-group dimension: both groups' load-balancer 5xx count.
  Elb5xx: (p) => p.groups.blue.elb5xx + p.groups.green.elb5xx || undefined,
  StoppedTasks: (p) => p.stoppedTasks,
};

/** Each deployment alarm as the rehearsal model names the signal. */
const SIGNALS: Record<DeploymentAlarmDefinition['id'], DecidingSignal> = {
  UnhealthyHosts: 'unhealthy-hosts alarm',
  Target5xx: 'target-5xx alarm',
  ResponseTime: 'response-time alarm',
  Elb5xx: 'elb-5xx alarm',
  StoppedTasks: 'stopped-tasks alarm',
};

function definitionFor(d: DeploymentAlarmDefinition, group?: GroupName): AlarmDefinition {
  const op = OPERATORS[d.comparison];
  return {
    name: group ? `${d.name}-${group}` : d.name,
    signal: SIGNALS[d.id],
    description: `${d.metricName}${group ? ` (${group})` : ''} ${d.statistic.toLowerCase()} ${op.text} ${d.threshold}${d.rate ? ` (% of ${d.rate.per}, or a count >= ${d.rate.countThreshold} under ${d.rate.minRequests} requests)` : ''}`,
    datapoint: (p) => {
      const value = VALUES[d.id](p, p.groups[group ?? 'green'], d);
      return value === undefined
        ? { breaching: false }
        : { value, breaching: op.breaches(value, d.threshold) };
    },
  };
}

/**
 * The deployment group's alarms, built from the same definitions as the stack's CloudWatch alarms
 * (`contract/deployment-alarms.ts`): per-target-group alarms on both groups (they swap roles), then the
 * service-wide ones. A compressed rehearsal passes the response-time threshold compressed, because the
 * latency it is compared with runs compressed.
 */
export function alarmDefinitions(
  config: Settings = settings,
  overrides: { readonly responseTimeSeconds?: number } = {},
): AlarmDefinition[] {
  const { responseTimeSeconds } = overrides;
  const definitions = deploymentAlarmDefinitions(config).map((d) =>
    d.id === 'ResponseTime' && responseTimeSeconds !== undefined
      ? { ...d, threshold: responseTimeSeconds }
      : d,
  );
  return [
    ...GROUP_NAMES.flatMap((group) =>
      definitions.filter((d) => d.perTargetGroup).map((d) => definitionFor(d, group)),
    ),
    ...definitions.filter((d) => !d.perTargetGroup).map((d) => definitionFor(d)),
  ];
}

export interface AlarmChange {
  readonly alarm: AlarmDefinition;
  readonly state: AlarmState;
  readonly value?: number;
  /** Clock time of the evaluation. */
  readonly at: number;
}

export interface AlarmMonitorOptions {
  readonly clock: Clock;
  readonly periodMs: number;
  readonly definitions: readonly AlarmDefinition[];
  /** The current UnHealthyHostCount of a group, read at the start of each period. */
  readonly unhealthyCount: (group: GroupName) => number;
  readonly evaluationPeriods?: number;
  readonly datapointsToAlarm?: number;
  /** A closed period's datapoint reaches the alarm this long later (CloudWatch's publish delay). @default 0 */
  readonly publishDelayMs?: number;
  readonly onChange?: (change: AlarmChange) => void;
}

const emptyPeriod = (unhealthy: (g: GroupName) => number): PeriodData => ({
  groups: {
    blue: {
      requests: 0,
      target5xx: 0,
      elb5xx: 0,
      responseTimeSumMs: 0,
      responses: 0,
      unhealthyMax: unhealthy('blue'),
    },
    green: {
      requests: 0,
      target5xx: 0,
      elb5xx: 0,
      responseTimeSumMs: 0,
      responses: 0,
      unhealthyMax: unhealthy('green'),
    },
  },
  stoppedTasks: 0,
});

/**
 * CloudWatch in miniature: collects each period's datapoints from the load balancer, the target groups
 * and the task supervisor, and evaluates every alarm at the end of each period (M of N datapoints,
 * missing data not breaching).
 */
export class AlarmMonitor {
  private period: PeriodData;
  private readonly history = new Map<string, boolean[]>();
  private readonly state = new Map<string, AlarmState>();
  private timer: unknown;
  private readonly publishing = new Set<unknown>();
  private running = false;

  constructor(private readonly options: AlarmMonitorOptions) {
    this.period = emptyPeriod(options.unhealthyCount);
    for (const d of options.definitions) this.state.set(d.name, 'OK');
  }

  /** Starts a fresh period now and evaluates at the end of each one. */
  start(): void {
    this.running = true;
    this.period = emptyPeriod(this.options.unhealthyCount);
    this.schedule();
  }

  /**
   * Closes the current period early (its datapoint is evaluated as usual) and starts the next one now, so
   * the periods are counted from this moment on.
   */
  alignPeriods(): void {
    if (!this.running) return;
    this.options.clock.clearTimeout(this.timer);
    this.publish(this.closePeriod());
    this.schedule();
  }

  stop(): void {
    this.running = false;
    this.options.clock.clearTimeout(this.timer);
    for (const handle of this.publishing) this.options.clock.clearTimeout(handle);
    this.publishing.clear();
  }

  recordRequest(r: RequestRecord): void {
    const g = this.period.groups[r.group];
    g.requests += 1;
    if (r.status >= 500) g[r.source === 'elb' ? 'elb5xx' : 'target5xx'] += 1;
    if (r.targetMs !== undefined) {
      g.responseTimeSumMs += r.targetMs;
      g.responses += 1;
    }
  }

  /** A new UnHealthyHostCount sample for a group; the period keeps the maximum. */
  sampleUnhealthy(group: GroupName, count: number): void {
    const g = this.period.groups[group];
    g.unhealthyMax = Math.max(g.unhealthyMax, count);
  }

  recordTaskStop(): void {
    this.period.stoppedTasks += 1;
  }

  /**
   * Puts an alarm in ALARM now, as if its last datapoints had breached (an alarm still firing from an
   * earlier release); later datapoints move it as usual. Throws on a name the monitor does not hold.
   */
  seedAlarm(name: string): void {
    const alarm = this.options.definitions.find((d) => d.name === name);
    if (alarm === undefined) throw new Error(`no deployment alarm named ${name}`);
    const n = this.options.evaluationPeriods ?? settings.alarms.evaluationPeriods;
    this.history.set(
      name,
      Array.from({ length: n }, () => true),
    );
    if (this.state.get(name) === 'ALARM') return;
    this.state.set(name, 'ALARM');
    this.options.onChange?.({ alarm, state: 'ALARM', at: this.options.clock.now() });
  }

  /** Alarm names and their current states. */
  states(): Record<string, AlarmState> {
    return Object.fromEntries(this.state);
  }

  /** Names of alarms currently in ALARM. */
  firing(): string[] {
    return [...this.state].filter(([, s]) => s === 'ALARM').map(([name]) => name);
  }

  /** Closes the current period and evaluates every alarm; exposed for tests. */
  evaluate(): void {
    this.evaluatePeriod(this.closePeriod());
  }

  private closePeriod(): PeriodData {
    const finished = this.period;
    this.period = emptyPeriod(this.options.unhealthyCount);
    return finished;
  }

  private evaluatePeriod(finished: PeriodData): void {
    const n = this.options.evaluationPeriods ?? settings.alarms.evaluationPeriods;
    const m = this.options.datapointsToAlarm ?? settings.alarms.datapointsToAlarm;
    for (const alarm of this.options.definitions) {
      const point = alarm.datapoint(finished);
      const past = [...(this.history.get(alarm.name) ?? []), point.breaching].slice(-n);
      this.history.set(alarm.name, past);
      const next: AlarmState = past.filter(Boolean).length >= m ? 'ALARM' : 'OK';
      if (next !== this.state.get(alarm.name)) {
        this.state.set(alarm.name, next);
        this.options.onChange?.({ alarm, state: next, value: point.value, at: this.options.clock.now() });
      }
    }
  }

  private schedule(): void {
    this.timer = this.options.clock.setTimeout(() => {
      if (!this.running) return;
      this.publish(this.closePeriod());
      this.schedule();
    }, this.options.periodMs);
  }

  /** A closed period's datapoints reach the alarms after the publish delay. */
  private publish(finished: PeriodData): void {
    const { clock, publishDelayMs = 0 } = this.options;
    if (publishDelayMs <= 0) {
      this.evaluatePeriod(finished);
      return;
    }
    const handle = clock.setTimeout(() => {
      this.publishing.delete(handle);
      if (this.running) this.evaluatePeriod(finished);
    }, publishDelayMs);
    this.publishing.add(handle);
  }
}
