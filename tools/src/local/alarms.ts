import { settings, type Settings } from '../../../contract/settings';
import type { Clock } from './clock';
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
  readonly datapoint: (period: PeriodData) => Datapoint;
}

export type AlarmState = 'OK' | 'ALARM';

const atLeast = (value: number | undefined, threshold: number): Datapoint =>
  value === undefined ? { breaching: false } : { value, breaching: value >= threshold };

/**
 * The deployment group's alarms, with the same metrics, thresholds and statistics as `settings.alarms`:
 * unhealthy hosts, target 5xx (rate, or count when traffic is low) and response time per target group
 * (both groups, since they swap roles), the load balancer's own 5xx, and tasks that stop.
 */
export function alarmDefinitions(config: Settings = settings): AlarmDefinition[] {
  const a = config.alarms;
  const perGroup = (group: GroupName): AlarmDefinition[] => [
    {
      name: `unhealthy-hosts-${group}`,
      description: `UnHealthyHostCount (${group}) maximum >= ${a.unhealthyHosts}`,
      datapoint: (p) => atLeast(p.groups[group].unhealthyMax, a.unhealthyHosts),
    },
    {
      name: `target-5xx-${group}`,
      description: `HTTPCode_Target_5XX_Count (${group}) >= ${a.target5xxRatePercent} % of requests, or >= ${a.target5xxCount} when under ${a.target5xxMinRequests} requests`,
      datapoint: (p) => {
        const g = p.groups[group];
        if (g.requests === 0) return { breaching: false };
        if (g.requests < a.target5xxMinRequests) return atLeast(g.target5xx, a.target5xxCount);
        const rate = (100 * g.target5xx) / g.requests;
        return { value: rate, breaching: rate >= a.target5xxRatePercent };
      },
    },
    {
      name: `response-time-${group}`,
      description: `TargetResponseTime (${group}) average > ${a.responseTimeSeconds} s`,
      datapoint: (p) => {
        const g = p.groups[group];
        if (g.responses === 0) return { breaching: false };
        const seconds = g.responseTimeSumMs / g.responses / 1000;
        return { value: seconds, breaching: seconds > a.responseTimeSeconds };
      },
    },
  ];
  return [
    ...GROUP_NAMES.flatMap(perGroup),
    {
      name: 'elb-5xx',
      description: `HTTPCode_ELB_5XX_Count sum >= ${a.elb5xxCount}`,
      datapoint: (p) => {
        const total = p.groups.blue.elb5xx + p.groups.green.elb5xx;
        return total === 0 ? { breaching: false } : atLeast(total, a.elb5xxCount);
      },
    },
    {
      name: 'stopped-tasks',
      description: `tasks stopped abnormally >= ${a.stoppedTasks}`,
      datapoint: (p) => atLeast(p.stoppedTasks, a.stoppedTasks),
    },
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

  stop(): void {
    this.running = false;
    this.options.clock.clearTimeout(this.timer);
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
    const finished = this.period;
    this.period = emptyPeriod(this.options.unhealthyCount);
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
      this.evaluate();
      this.schedule();
    }, this.options.periodMs);
  }
}
