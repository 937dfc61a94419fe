/** How a fault's value is written in `FAULTS` (`name=value`). */
export type FaultValueKind = 'none' | 'port' | 'host-port' | 'probability' | 'milliseconds' | 'seconds';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** The parsed value of each fault. */
export interface FaultValues {
  'health-fail': true;
  'startup-crash': true;
  'wrong-port': number;
  'dependency-down': HostPort;
  'error-rate': number;
  latency: number;
  'crash-after': number;
  'slow-start': number;
}

export type FaultName = keyof FaultValues;

/** The faults switched on for one process: a fault is on when its key is present. */
export type ActiveFaults = { readonly [K in FaultName]?: FaultValues[K] };

export interface FaultSpec<K extends FaultName = FaultName> {
  readonly name: K;
  readonly valueKind: FaultValueKind;
  /** The value used when the fault is written without one (`name` alone); absent for faults without a value. */
  readonly defaultValue?: string;
  /** What the fault does to the service. */
  readonly effect: string;
  /**
   * Which of the five classic rollback rehearsals it reproduces: 1 health check failing, 2 crash at start-up,
   * 3 wrong port, 4 dependency down, 5 error rate; `new` for the faults added to them.
   */
  readonly rehearsal: 1 | 2 | 3 | 4 | 5 | 'new';
}

type Catalogue = { readonly [K in FaultName]: FaultSpec<K> };

/**
 * The fault catalogue: each fault's name, how its value is written and what it does to the service. What a
 * release with the fault should do is the rehearsal model's answer (`core/model`), not the service's.
 */
export const FAULT_CATALOGUE: Catalogue = {
  'health-fail': {
    name: 'health-fail',
    valueKind: 'none',
    effect: '/health answers 500',
    rehearsal: 1,
  },
  'startup-crash': {
    name: 'startup-crash',
    valueKind: 'none',
    effect: 'the process fails during start-up, logs why, exits non-zero before listening',
    rehearsal: 2,
  },
  'wrong-port': {
    name: 'wrong-port',
    valueKind: 'port',
    defaultValue: '9999',
    effect: 'the server listens on that port instead of PORT',
    rehearsal: 3,
  },
  'dependency-down': {
    name: 'dependency-down',
    valueKind: 'host-port',
    defaultValue: 'nonexistent-db.local:5432',
    effect:
      '/health probes a TCP connection to that address and answers 503 when it fails; the probe gives up within 2 s',
    rehearsal: 4,
  },
  'error-rate': {
    name: 'error-rate',
    valueKind: 'probability',
    defaultValue: '0.5',
    effect: 'GET / answers 500 with that probability; /health stays 200',
    rehearsal: 5,
  },
  latency: {
    name: 'latency',
    valueKind: 'milliseconds',
    defaultValue: '2000',
    effect: 'GET / answers after that delay',
    rehearsal: 'new',
  },
  'crash-after': {
    name: 'crash-after',
    valueKind: 'seconds',
    defaultValue: '60',
    effect: 'the process exits non-zero after running that long',
    rehearsal: 'new',
  },
  'slow-start': {
    name: 'slow-start',
    valueKind: 'seconds',
    defaultValue: '30',
    effect: '/health answers 503 for that long after start',
    rehearsal: 'new',
  },
};

/** Fault names in catalogue order. */
export const FAULT_NAMES = Object.keys(FAULT_CATALOGUE) as FaultName[];

export function isFaultName(name: string): name is FaultName {
  return Object.hasOwn(FAULT_CATALOGUE, name);
}
